CREATE PROCEDURE archive(IN before_date DATETIME, OUT moved INT)
BEGIN
  DECLARE done INT DEFAULT FALSE;
  DECLARE oid INT;
  DECLARE cur CURSOR FOR SELECT id FROM orders WHERE updated_at < before_date;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
  SET moved = 0;
  OPEN cur;
  read_loop: LOOP
    FETCH cur INTO oid;
    IF done THEN
      LEAVE read_loop;
    ELSEIF oid < 0 THEN
      ITERATE read_loop;
    ELSE
      IF oid > 100 THEN SET moved = moved + 1; END IF;
    END IF;
    CASE
      WHEN oid % 2 = 0 THEN INSERT INTO log VALUES ('even;');
      ELSE INSERT INTO log VALUES ('odd');
    END CASE;
  END LOOP read_loop;
  CLOSE cur;
  counter: WHILE moved > 100 DO
    SET moved = moved - 1;
  END WHILE counter;
  REPEAT
    SET moved = moved + 0;
  UNTIL moved >= 0 END REPEAT;
END;
CALL archive(NOW(), @m);
