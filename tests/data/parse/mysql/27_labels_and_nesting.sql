CREATE PROCEDURE deep()
outer_block: BEGIN
  inner_block: BEGIN
    lbl: LOOP
      REPEAT
        WHILE TRUE DO
          IF 1 THEN LEAVE outer_block; ELSE BEGIN END; END IF;
        END WHILE;
      UNTIL TRUE END REPEAT;
    END LOOP lbl;
  END inner_block;
END outer_block;
SELECT 'after';
