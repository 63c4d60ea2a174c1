-- People, not only keys (ADR 0019): users with argon2id passwords or an OIDC subject, their role per site, rotated
-- refresh tokens; API keys scoped to sites; the actor of every event, indexed for the audit trail.

CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  -- PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash); NULL for a user who signs in only through OIDC.
  password_hash text,
  -- The `sub` (or configured claim) of the external identity provider's tokens that names this user.
  oidc_subject  text UNIQUE,
  -- The worker id this person acts as on the floor (tasks, picks, packing); the username when NULL.
  worker_id     text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);

-- A role at one site, or at every site ('*'). A user's role at a site is that site's grant, else its '*' grant.
CREATE TABLE user_grants (
  user_id    text NOT NULL REFERENCES users (id),
  site_id    text NOT NULL,
  role       text NOT NULL CHECK (role IN ('admin', 'manager', 'operator', 'integration', 'viewer')),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, site_id)
);

-- Only the SHA-256 of a refresh token is kept (it is a random 256-bit secret, like an API key). Each use replaces it
-- by a new one of the same family; presenting a used one again means it leaked: the whole family is revoked.
CREATE TABLE refresh_tokens (
  id          text PRIMARY KEY,
  family_id   text NOT NULL,
  user_id     text NOT NULL REFERENCES users (id),
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Installation settings the process generates once and keeps (the quick start's JWT secret).
CREATE TABLE settings (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- NULL: the key acts on every site (as before); else only on these.
ALTER TABLE api_keys ADD COLUMN site_ids text[];

-- Who did it: the actor's id is filled from the envelope's `actorid` extension; GET /audit filters on it.
ALTER TABLE events ADD COLUMN actor_id text;
CREATE INDEX events_actor ON events (actor_id, seq) WHERE actor_id IS NOT NULL;
