-- Owner-scoped API keys (ADR 0028): a 3PL client's integration key acts for one owner only. NULL: every owner, as
-- keys always did. The id is an inventory owner id (`own_…`); no foreign key across schemas.
ALTER TABLE api_keys ADD COLUMN owner_id text;
