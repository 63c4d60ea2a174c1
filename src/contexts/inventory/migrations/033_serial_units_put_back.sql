-- Serial capture at pick (ADR 0058, addendum 2026-12-08): a PICKED unit put back into stock (a return of a cancelled
-- order, confirmed by scan) is IN_STOCK again where it was put back; `location_id` stays where it was received.
ALTER TABLE serial_units ADD COLUMN stock_location_id text;
