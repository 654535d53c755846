DELIMITER $$
CREATE DEFINER=`root`@`localhost` PROCEDURE archive(IN d DATETIME)
BEGIN
  DECLARE done INT DEFAULT FALSE;
  read_loop: LOOP
    IF done THEN
      LEAVE read_loop;
    END IF;
  END LOOP;
END$$
DELIMITER ;
