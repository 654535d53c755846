SELECT 1 \g
SELECT 2\gx
SELECT '\g' AS not_a_command \g
SELECT (3
) \g
SELECT 4;
