-- Re-applied whenever this file changes.
DROP VIEW IF EXISTS order_totals;
CREATE VIEW order_totals AS
    SELECT u.id AS user_id, u.name, COUNT(o.id) AS orders, COALESCE(SUM(o.total_cents), 0) AS total_cents
    FROM users u LEFT JOIN orders o ON o.user_id = u.id
    GROUP BY u.id, u.name;
