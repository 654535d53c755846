CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    status      VARCHAR(20) NOT NULL DEFAULT 'new',  -- 'new', 'paid' or 'shipped'
    placed_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

/* Orders are listed per user, newest first. */
CREATE INDEX orders_user_placed ON orders (user_id, placed_at);

INSERT INTO orders (id, user_id, total_cents, status) VALUES
    (1, 1, 4200, 'paid'),
    (2, 2, 1999, 'new');
