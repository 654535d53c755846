CREATE TABLE ${table} (a);
INSERT INTO [${table}] VALUES ('${flyrun:user}');
-- ${unknown}
