INSERT INTO p VALUES ('C:\'); CREATE TABLE x(id int);
SELECT "D:\", 'it''s';
SET sql_mode = '';
SELECT 'a\';b';
