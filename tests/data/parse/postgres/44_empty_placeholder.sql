${empty};
SELECT 1 ${empty};
  ${empty} SELECT 2;
SELECT '${empty}';
