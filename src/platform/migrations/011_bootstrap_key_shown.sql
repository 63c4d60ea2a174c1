-- A generated bootstrap admin key is shown once: in the start banner, as a start stopped before it stops, or on the
-- stderr of the command that first met the database. One stored but never shown (the first start killed before its
-- banner) is held by nobody: the next start revokes it and generates, and shows, another (ApiKeys.ensureAdmin).
-- Keys made before this column were shown (or configured): true.
ALTER TABLE api_keys ADD COLUMN shown boolean NOT NULL DEFAULT true;
