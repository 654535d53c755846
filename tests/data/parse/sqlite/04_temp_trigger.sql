CREATE TEMP TRIGGER a BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'nope'); END;
create temporary trigger if not exists b after insert on t begin select 1; select 2; end;
EXPLAIN CREATE TRIGGER c AFTER INSERT ON t BEGIN SELECT 1; END;
CREATE TABLE trigger_log (x);
