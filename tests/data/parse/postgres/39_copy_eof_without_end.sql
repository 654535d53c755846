COPY t FROM stdin;
1	one
2	two
