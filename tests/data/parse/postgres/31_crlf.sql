SELECT 1;
SELECT 'two
lines';

  SELECT 3 -- comment
;SELECT 4;
