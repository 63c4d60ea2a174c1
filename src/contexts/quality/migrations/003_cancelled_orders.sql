-- Orders quality heard cancelled (orders.order.cancelled.v1). Quality hears orders and pack & ship apart, so the cancel
-- of an order may come before a package it voided (pack-ship.package.packed.v1 of a package packed before the cancel):
-- no packing inspection is opened for such a package — the cancel withdrew the OPEN ones it found (002), and one opened
-- after it stayed OPEN for good. A cancel is final: one row per cancelled order. ADR 0031 addendum 2026-12-07 (pack3).
CREATE TABLE cancelled_orders (
  order_id     text PRIMARY KEY,
  cancelled_at timestamptz NOT NULL
);
