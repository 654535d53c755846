CREATE FUNCTION grade(score INT) RETURNS VARCHAR(10) DETERMINISTIC
BEGIN
  DECLARE g VARCHAR(10);
  SET g = IF(score > 50, 'pass;', 'fail');
  SET g = CONCAT(g, REPEAT('!', 2));
  SET g = CASE WHEN score > 90 THEN 'top' ELSE g END;
  IF (score > 95) THEN
    RETURN CASE WHEN score = 100 THEN 'perfect' ELSE IF(score > 97, 'great', 'good') END;
  END IF;
  RETURN g;
END;
CREATE FUNCTION one() RETURNS INT RETURN 1;
SELECT grade(99), one();
