SELECT 1 -- comment
;
SELECT 2 /* c1 */ /* c2 */
;
SELECT /* kept */ 3 /* dropped */;
SELECT 4 -- no semicolon, end of file
-- another
