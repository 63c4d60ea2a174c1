-- A password change or reset ends every session of the user (ADR 0019 addendum): refresh tokens are revoked, and an
-- access token issued before this instant (its `iat`, in whole seconds) is refused. NULL: every token is good.
ALTER TABLE users ADD COLUMN sessions_valid_from timestamptz;
