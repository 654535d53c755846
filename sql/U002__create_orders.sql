DROP INDEX orders_user_placed;
DROP TABLE orders;
