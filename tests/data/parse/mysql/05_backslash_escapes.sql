INSERT INTO t VALUES ('it\'s; fine');
INSERT INTO t VALUES ("say \"hi\"; now");
SELECT 'back\\';
SELECT "back\\";
SELECT 'doubled '' quote; too', "doubled "" too;";
SELECT 'mixed \' and '' ; done';
