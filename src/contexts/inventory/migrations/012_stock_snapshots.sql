-- Point-in-time stock (issue 11): on-hand as of any past instant is rebuilt from the ledger. A snapshot holds every
-- balance key's sums over the movements created at or before its `as_of` instant; an as-of query starts from the last
-- snapshot at or before the instant asked for and adds the movements created after the snapshot, up to that instant.
-- The `inventory.snapshot` job writes one when enough movements have accumulated (so the replayed tail stays short);
-- snapshots are derived data: deleting them only makes as-of queries slower, never wrong.
--
-- A movement's created_at is its transaction's start time; a snapshot is taken only for an instant some minutes in the
-- past, so the transactions that could still add movements created before it have all ended (see history-store.ts).
CREATE TABLE snapshots (
  id        bigserial PRIMARY KEY,
  as_of     timestamptz NOT NULL UNIQUE,
  -- The ledger's last seq when it was taken: the next one is due after enough movements since.
  ledger_seq bigint NOT NULL CHECK (ledger_seq >= 0),
  taken_at  timestamptz NOT NULL DEFAULT now()
);

-- Keys whose sums are both zero are left out.
CREATE TABLE snapshot_balances (
  snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  site_id     text NOT NULL,
  sku         text NOT NULL,
  location_id text NOT NULL,
  lot         text NOT NULL,
  status      text NOT NULL,
  on_hand     integer NOT NULL,
  reserved    integer NOT NULL,
  PRIMARY KEY (snapshot_id, site_id, sku, location_id, lot, status)
);

-- The tail after a snapshot, by site and creation time.
CREATE INDEX movements_site_created ON movements (site_id, created_at);
