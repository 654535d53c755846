INSERT INTO t VALUES ('a
b', "c
d", '\');
CREATE TABLE `x
y` (a int);SELECT 1;
