COPY t (a, b, c) FROM stdin;
1	semi;colon	'quote
2	-- not a comment	/* nor */
3	\N	back\\slash \. not an end
\.
SELECT 1;
copy t from STDIN with (format csv); -- a comment here is fine
"x;",y
\.
COPY empty FROM stdin;
\.
  COPY t2
  FROM
  stdin;
line
\.
SELECT 2;
