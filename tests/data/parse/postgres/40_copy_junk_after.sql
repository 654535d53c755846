COPY t FROM stdin; SELECT 1;
1
\.
