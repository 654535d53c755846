CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT i + 1;
END;
CREATE OR REPLACE FUNCTION label(s text) RETURNS text LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE s WHEN 'a' THEN 'A;' ELSE CASE WHEN s IS NULL THEN 'none' END END;
  SELECT 'second';
END;
CREATE PROCEDURE log_it(msg text) LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO log VALUES (msg);
  INSERT INTO log VALUES (msg || '; again');
END;
create or replace procedure lower_case() language sql begin atomic select 1; end;
SELECT CASE WHEN true THEN 1 END;
BEGIN;
SELECT 1;
END;
