COPY t FROM stdin;
DROP TABLE t;
$$ open dollar
' open quote
/* open comment
\.
SELECT 'after';
