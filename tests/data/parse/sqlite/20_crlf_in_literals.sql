INSERT INTO t VALUES ('a
b');
CREATE TABLE "x
y" ([a
b] int, `cd` int);SELECT 1;
