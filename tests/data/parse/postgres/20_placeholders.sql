CREATE TABLE ${schema}.${table} (id int);
INSERT INTO ${schema}.${table} VALUES (1, '${flyrun:user}', "${table}_x");
-- ${unknown} in a comment is left alone
/* so is ${this one} */
CREATE FUNCTION ${schema}.f() RETURNS text LANGUAGE sql AS $$ SELECT '${table}' $$;
SELECT '${SCHEMA}', '${greeting}';
SELECT '${not a placeholder}', '${}', '$${schema}', '${schema';
SELECT ${schema}_suffix, prefix_${table}, x${table}y;
