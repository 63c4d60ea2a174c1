-- The platform's own tables: outbox, event store, dead letters, API keys, idempotency keys.

CREATE TABLE outbox (
  seq           bigserial PRIMARY KEY,
  event_id      text NOT NULL UNIQUE,
  source        text NOT NULL,
  type          text NOT NULL,
  subject       text NOT NULL,
  envelope      jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE dispatched_at IS NULL;

-- Append-only archive of every event, for audit and replay.
CREATE TABLE events (
  seq        bigserial PRIMARY KEY,
  event_id   text NOT NULL UNIQUE,
  source     text NOT NULL,
  type       text NOT NULL,
  subject    text NOT NULL,
  time       timestamptz NOT NULL,
  site_id    text,
  correlation_id text,
  envelope   jsonb NOT NULL
);
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_type_time ON events (type, time);
CREATE INDEX events_time ON events (time);

CREATE FUNCTION forbid_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event store is append-only';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION forbid_event_change();

CREATE TABLE dead_letters (
  id          text PRIMARY KEY,
  consumer    text NOT NULL,
  event_id    text NOT NULL,
  type        text NOT NULL,
  envelope    jsonb NOT NULL,
  attempts    int NOT NULL,
  last_error  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz,
  UNIQUE (consumer, event_id)
);

CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin', 'manager', 'operator', 'integration', 'viewer')),
  key_hash    text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE idempotency_keys (
  principal    text NOT NULL,
  key          text NOT NULL,
  route        text NOT NULL,
  request_hash text NOT NULL,
  status_code  int,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
