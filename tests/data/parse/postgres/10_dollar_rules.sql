PREPARE p(int, text) AS SELECT $1, $2 FROM t WHERE a = $1;
SELECT a$b, c$$ FROM t;
CREATE TABLE x$y (a$ int);
SELECT $a$x$a$$b$;$b$;
SELECT 1 AS "$$"; SELECT '$$';
SELECT $1x;
