-- Packages a failed packing inspection holds (`quality.hold.placed` with a PACKAGE target), until a disposition
-- releases them (`quality.hold.disposed` RELEASE / REWORK: the row goes); SCRAP / RETURN_TO_VENDOR keep them from
-- shipping for good (SCRAPPED). A SHIP scan of an LPN whose tree holds the carton of one (its label is the package id)
-- is refused with LPN_ON_QUALITY_HOLD (ADR 0031 addendum 2026-12-04). A projection: rebuilt by `paklog replay`.
CREATE TABLE held_packages (
  package_id    text PRIMARY KEY,
  site_id       text NOT NULL,
  inspection_id text NOT NULL,
  status        text NOT NULL CHECK (status IN ('HELD', 'SCRAPPED')),
  held_at       timestamptz NOT NULL
);
CREATE INDEX held_packages_inspection_idx ON held_packages (inspection_id);
