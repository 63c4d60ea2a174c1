-- Units of a quality hold that left its HOLD balance other than by its disposition (a move of HOLD units reaching past
-- the units no hold accounts for; ADR 0031 addendum of 2026-12-05): the hold owns `held - taken` units there, so its
-- disposition never takes units held by hand, or another hold's, that arrived at the same balance afterwards.
ALTER TABLE quality_holds ADD COLUMN taken integer NOT NULL DEFAULT 0;
ALTER TABLE quality_holds ADD CONSTRAINT quality_holds_taken_check CHECK (taken >= 0 AND taken <= held);
