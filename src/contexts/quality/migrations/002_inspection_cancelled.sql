-- An OPEN inspection whose package was voided with its cancelled order is withdrawn, uninspected: CANCELLED
-- (completed_at set, so the OPEN ⇔ completed_at IS NULL check holds; the KPIs leave CANCELLED out). ADR 0031 addendum 2026-12-07.
ALTER TABLE inspections DROP CONSTRAINT inspections_status_check;
ALTER TABLE inspections ADD CONSTRAINT inspections_status_check CHECK (status IN ('OPEN', 'PASSED', 'FAILED', 'CANCELLED'));
