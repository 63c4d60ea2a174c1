-- A handheld may send a scanId with a confirm or short: a retry of the same scan (its answer was lost, and it carried
-- no Idempotency-Key) is then recognised and counts once. Unique per pick list; kept with the action as sent, so the
-- same scanId with other content is refused. No foreign key: an unknown list is refused and its row removed at once.
CREATE TABLE scans (
  pick_list_id text NOT NULL,
  scan_id      text NOT NULL,
  pick_line_id text NOT NULL,
  -- The action as sent: { kind: 'confirm', quantity, locationCode, barcode, toteId } or { kind: 'short', reason }.
  action       jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (pick_list_id, scan_id)
);
