-- Location tracking (found by the black-box hunt): a worker id ignores letter case (ADR 0019), so a report, a
-- registration or a where-is of ELLA is worker ella's. What is tracked is looked up by its case-folded id.
CREATE INDEX tracked_folded_idx ON tracked (kind, lower(id));
