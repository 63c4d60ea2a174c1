-- The shortfall a quality hold said when it was placed (its `inventory.quality-hold.placed` event: units it could not
-- hold, for which QUALITY_HOLD_INCOMPLETE was raised). A later failed inspection of the same receipt is not short again
-- of units another hold answers for (ADR 0031 follow-up of 2026-12-06): a released hold answers only for what it said
-- short (the units it held are AVAILABLE again); a held, scrapped or returned one for all it was asked to hold.
ALTER TABLE quality_holds ADD COLUMN shortfall integer NOT NULL DEFAULT 0;
UPDATE quality_holds SET shortfall = GREATEST(0, requested - held) WHERE shared_with IS NULL;
