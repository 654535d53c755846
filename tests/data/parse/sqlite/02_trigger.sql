CREATE TRIGGER t_au AFTER UPDATE OF name ON t
BEGIN
  INSERT INTO log VALUES (old.name, new.name);
  UPDATE t SET touched = 1 WHERE id = new.id;
END;
INSERT INTO t VALUES (2, 'two');
