INSERT INTO t VALUES ('a
b', E'c
d\', $$e
f$$, U&'gh');
CREATE TABLE "x
y" (a int);SELECT 'twobreaks' -- c
;
SELECT 1
