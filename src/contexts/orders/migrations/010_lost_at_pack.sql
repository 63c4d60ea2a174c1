-- Units of a shipComplete order's line lost or damaged at the pack bench and picked again (ADR 0024 addendum
-- 2026-12-07): they left `picked` (the re-pick counts them there again) and count `shorted` until re-reserved, never
-- `short_at_pack` (the order ships them). Picking counts them among the units it picked for the order: orders adds them
-- to what it has heard of when pack & ship says the order is ready to pack.
ALTER TABLE order_lines ADD COLUMN lost_at_pack int4 NOT NULL DEFAULT 0 CHECK (lost_at_pack >= 0);
