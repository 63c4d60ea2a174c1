-- The shop's `updated_at` of the last storefront order change applied, by the order's externalId (`<SHOP>-<id>`, one
-- shop's): an orders/updated older than it (Shopify does not deliver in order, and retries a failed delivery for up to
-- 48 hours) is acknowledged and not applied, so the shop's latest edit stays. Kept when a channel is disconnected.
CREATE TABLE storefront_order_versions (
  external_id     text PRIMARY KEY,
  shop_updated_at timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL
);
