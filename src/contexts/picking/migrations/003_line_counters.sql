-- A scan confirm or a short is one statement (store.ts actOnLine). Its list transition cannot count the list's
-- pending lines in that statement: rows read there are as of its snapshot, taken before it waited for any lock, so a
-- sibling closed concurrently would still look open and the list would never complete. Counters on the list row are
-- re-read at their newest version when the row is updated, so exactly one closer sees the last open line go.
ALTER TABLE pick_lists
  ADD COLUMN open_lines integer NOT NULL DEFAULT 0 CHECK (open_lines >= 0),
  -- Lines closed SHORT or SKIPPED: a list with any of them ends PARTIAL.
  ADD COLUMN short_lines integer NOT NULL DEFAULT 0 CHECK (short_lines >= 0);

UPDATE pick_lists p
   SET open_lines = c.open, short_lines = c.short
  FROM (SELECT pick_list_id,
               count(*) FILTER (WHERE status = 'PENDING') AS open,
               count(*) FILTER (WHERE status IN ('SHORT', 'SKIPPED')) AS short
          FROM pick_lines GROUP BY pick_list_id) c
 WHERE c.pick_list_id = p.id;
