SELECT 1; # trailing ; comment
# whole line 'comment
SELECT 2 # inside; kept
  , 3;
SELECT '#not a comment', "#nor this", `#col` FROM t;
