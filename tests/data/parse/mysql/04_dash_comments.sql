SELECT 1--1;
SELECT 2 -- real comment; here
;
SELECT 3;--	after a tab is a comment
SELECT 4;--
SELECT 5 --x;
