PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE customers (id INTEGER PRIMARY KEY, [full name] TEXT NOT NULL DEFAULT 'anon; really', `e-mail` TEXT, avatar BLOB, status TEXT CHECK (status IN ('new','it''s; odd')));
INSERT INTO customers VALUES(1,'Ann O''Neil','ann@example.com',X'01023b','it''s; odd');
INSERT INTO customers VALUES(2,replace('Bob\ntwo lines','\n',char(10)),NULL,NULL,'it''s; odd');
CREATE TABLE audit ("when" TEXT DEFAULT CURRENT_TIMESTAMP, what TEXT);
INSERT INTO audit VALUES('2026-11-23 10:51:42','status; new -> it''s; odd');
CREATE INDEX customers_status ON customers (status) WHERE status <> 'new';
CREATE VIEW loud AS SELECT id, upper([full name]) AS name, CASE WHEN status = 'new' THEN 'N;' ELSE 'O' END AS s FROM customers;
CREATE TRIGGER customers_audit AFTER UPDATE OF status ON customers
BEGIN
  INSERT INTO audit (what) VALUES ('status; ' || CASE WHEN new.status = 'new' THEN 'fresh' ELSE old.status || ' -> ' || new.status END);
  UPDATE customers SET avatar = x'00FF' WHERE id = new.id AND avatar IS NULL;
END;
COMMIT;
