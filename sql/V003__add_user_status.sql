ALTER TABLE users ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'active';
UPDATE users SET status = 'active';
