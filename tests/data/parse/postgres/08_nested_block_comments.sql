/* outer /* inner ; */ still a comment ; */
SELECT 1;
SELECT /* inline; */ 2;
/* a /* b /* c */ b */ a */ SELECT 3;
SELECT 4 /* trailing */;
SELECT 10/2, 3*/**/4;
