;;
SELECT 1;;; ;
  ;
-- comment ; between
SELECT 2;
;