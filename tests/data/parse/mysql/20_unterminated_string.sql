SELECT 1;
SELECT 'it\'s never closed;
SELECT 2;
