CREATE TABLE `${schema}`.`${table}` (a INT);
INSERT INTO ${table} VALUES ('${flyrun:user}', "${schema}");
# ${unknown} in a comment
-- ${unknown} again
/* and ${here} */
/*!40101 SET @s = '${schema}' */;
