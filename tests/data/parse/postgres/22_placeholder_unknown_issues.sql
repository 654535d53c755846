SELECT '${missing}';
SELECT ${schema}, ${other:thing};
-- ${in_comment}
SELECT 3;
