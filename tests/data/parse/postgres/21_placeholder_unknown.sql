SELECT 1;
SELECT '${schema}', 'x${missing}';
SELECT 3;
