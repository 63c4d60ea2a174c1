-- workload (issue 14): picking accuracy per worker. Which pick line each confirmation was for, and the lines closed short
-- (picking.line.shorted), so that a worker's lines split into picked in full and shorted. Rows projected before this
-- migration have no pick line: `paklog replay workload` fills them in (docs/operations/workload.md).
ALTER TABLE pick_confirmations ADD COLUMN pick_line_id text;

CREATE TABLE pick_shorts (
  event_id      text PRIMARY KEY,
  pick_list_id  text NOT NULL,
  pick_line_id  text NOT NULL
);
CREATE INDEX pick_shorts_list_idx ON pick_shorts (pick_list_id);
