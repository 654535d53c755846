-- leading comment; with a semicolon
SELECT 1; -- trailing comment; ignored
SELECT -- inside, kept
  2;
SELECT 3 -- before the semicolon
;
-- 'an unbalanced quote in a comment
SELECT 4;
SELECT 5 - -3, 6--7
;
