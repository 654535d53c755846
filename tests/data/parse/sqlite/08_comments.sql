-- leading ; comment
SELECT 1; /* block ; */ SELECT 2;
SELECT /* inline; */ 3 -- trailing
;
/* /* not nested in SQLite */ SELECT 4;
