-- The expiry of the lot a line takes (the reservation's, `inventory.stock.reserved`): a confirm after that day is
-- refused 409 LOT_EXPIRED, and the line is shorted with reason EXPIRED instead (ADR 0024 addendum 2026-12-06).
-- NULL for undated stock and on lines made before it.
ALTER TABLE pick_lines ADD COLUMN expires_on date;
ALTER TABLE pick_lines DROP CONSTRAINT pick_lines_short_reason_check;
ALTER TABLE pick_lines ADD CONSTRAINT pick_lines_short_reason_check CHECK (short_reason IN ('NOT_FOUND', 'DAMAGED', 'OTHER', 'EXPIRED'));
