CREATE TABLE t (id int PRIMARY KEY, name text);
INSERT INTO t VALUES (1, 'one');

  SELECT * FROM t;
UPDATE t SET name = 'uno' WHERE id = 1