SELECT "col\" FROM t; SELECT 'a\'b';
SELECT "a""b" FROM t;
SET sql_mode = 'TRADITIONAL';
SELECT "str\";", 1;
