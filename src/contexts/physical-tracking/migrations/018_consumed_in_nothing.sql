-- An LPN emptied by a floor event (a carton re-packed off a pallet, a tote packed out) kept its container's parent_id
-- though the container no longer listed it (ADR 0029 addendum lpn9): a CONSUMED LPN is in nothing, as a consolidated
-- one always was. The link to its container stays in lpn_links.
UPDATE lpns SET parent_id = NULL, version = version + 1 WHERE status = 'CONSUMED' AND parent_id IS NOT NULL;
