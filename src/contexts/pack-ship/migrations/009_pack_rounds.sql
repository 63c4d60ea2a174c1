-- Packing rounds (ADR 0035 addendum 2026-12-05). An order packed already (packed_at set) whose packed package is
-- repacked has units to pack again: packed_at is cleared and the round moves on, announced as
-- pack-ship.order.ready-to-pack with that round (a new PACK task); the round's last packed unit announces
-- pack-ship.order.packed again, with it. Round 1 is the order's first announcement.
ALTER TABLE orders ADD COLUMN pack_round integer NOT NULL DEFAULT 1 CHECK (pack_round >= 1);
