SELECT 'SELECT 1' \gexec
SELECT 2 \g out.txt
SELECT 3 \gdesc
SELECT 4 \echo hi
SELECT 5;
