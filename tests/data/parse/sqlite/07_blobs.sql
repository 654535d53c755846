INSERT INTO t VALUES (x'01', X'3B3B', x'');
SELECT x'27', 'x''27;';
