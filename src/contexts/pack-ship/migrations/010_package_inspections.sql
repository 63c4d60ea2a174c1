-- Packing inspections of packages (quality.inspection.required with a PACKAGE target), OPEN until their results are
-- recorded: a package under an OPEN inspection is not repacked (409 PACKAGE_UNDER_INSPECTION, ADR 0031 addendum
-- 2026-12-04), or a failure would hold the emptied package while its units ship in a new one. DONE once the inspection
-- passed (quality.inspection.completed) or failed (quality.hold.placed: the hold in quality_holds takes over).
CREATE TABLE package_inspections (
  inspection_id text PRIMARY KEY,
  package_id    text NOT NULL,
  order_id      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('OPEN', 'DONE')),
  opened_at     timestamptz NOT NULL,
  done_at       timestamptz
);
CREATE INDEX package_inspections_open_idx ON package_inspections (package_id) WHERE status = 'OPEN';
