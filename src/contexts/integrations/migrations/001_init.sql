-- integrations (ADR 0034): outbound webhook subscriptions and their deliveries (an outbox of HTTP calls written in the
-- transaction that handled the event), and inbound storefront channels with the webhook ids already answered.
CREATE TABLE subscriptions (
  id                   text PRIMARY KEY,
  url                  text NOT NULL CHECK (url ~ '^https?://'),
  event_types          text[] NOT NULL CHECK (cardinality(event_types) >= 1),
  site_id              text,
  owner_id             text,
  secret               text NOT NULL,
  description          text,
  status               text NOT NULL CHECK (status IN ('ACTIVE', 'DISABLED')),
  consecutive_failures int4 NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  disabled_reason      text,
  disabled_at          timestamptz,
  deleted_at           timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);

-- One row per (subscription, event): the unique key makes a redelivered event a no-op. `seq` orders the deliveries of
-- one subscription and subject: only the oldest PENDING one of a chain is sent.
CREATE TABLE deliveries (
  id              text PRIMARY KEY,
  seq             bigserial NOT NULL UNIQUE,
  subscription_id text NOT NULL REFERENCES subscriptions (id),
  event_id        text NOT NULL,
  event_type      text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED')),
  attempts        int4 NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  lease_until     timestamptz,
  last_status     int4,
  last_error      text,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, seq) WHERE status = 'PENDING';
CREATE INDEX deliveries_chain ON deliveries (subscription_id, subject, seq) WHERE status = 'PENDING';
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id);

CREATE TABLE delivery_attempts (
  delivery_id text NOT NULL REFERENCES deliveries (id),
  attempt     int4 NOT NULL CHECK (attempt >= 1),
  at          timestamptz NOT NULL,
  status_code int4,
  error       text,
  duration_ms int4 NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- A storefront (Shopify-style shop) sending orders to one site, with the shared secret its webhooks are signed with.
CREATE TABLE storefront_channels (
  id          text PRIMARY KEY,
  shop_domain text NOT NULL UNIQUE CHECK (length(shop_domain) BETWEEN 1 AND 255),
  site_id     text NOT NULL,
  carrier     text NOT NULL,
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- Inbound webhooks already answered, by the storefront's webhook id: a replayed delivery gets the same order back.
CREATE TABLE inbound_webhooks (
  channel_id  text NOT NULL REFERENCES storefront_channels (id),
  webhook_id  text NOT NULL,
  order_id    text NOT NULL,
  external_id text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, webhook_id)
);
