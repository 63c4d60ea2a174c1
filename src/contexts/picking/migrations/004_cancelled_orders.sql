-- Orders cancelled, as picking heard of them: their open lines are CANCELLED, and reservations that reach picking
-- after the cancel (the release raced it) never become pick lines.
CREATE TABLE cancelled_orders (
  order_id     text PRIMARY KEY,
  cancelled_at timestamptz NOT NULL
);

ALTER TABLE pick_lines DROP CONSTRAINT pick_lines_status_check;
ALTER TABLE pick_lines ADD CONSTRAINT pick_lines_status_check CHECK (status IN ('PENDING', 'PICKED', 'SHORT', 'SKIPPED', 'CANCELLED'));
