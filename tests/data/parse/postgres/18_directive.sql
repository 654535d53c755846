-- flyrun:transaction=false
CREATE INDEX CONCURRENTLY i ON t (a);
