COPY t FROM '/tmp/data.csv';
COPY t TO STDOUT;
COPY (SELECT 'FROM stdin') TO stdout;
COPY t (stdin) TO '/tmp/x';
SELECT 'after';
