INSERT INTO t VALUES ('a;b');
INSERT INTO t VALUES ('it''s; here', 'two
lines; still the string');
SELECT '--not a comment', '/* nor this */', '$$ nor a dollar $$';
SELECT 'a' 'b';
SELECT '';SELECT '''';
