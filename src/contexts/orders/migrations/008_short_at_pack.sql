-- Units of a line found missing or damaged at the pack station (pack-ship.units.short-at-pack): never packed nor
-- shipped. Counted apart from `shorted` (units shorted at picking), so a line adds up:
-- ordered = shipped + cancelled + shorted + short_at_pack once the order is done.
ALTER TABLE order_lines ADD COLUMN short_at_pack int4 NOT NULL DEFAULT 0;
