-- The latest priority of each order tasks heard given another one (`orders.order.reprioritised`). In split mode that
-- event may reach tasks before the `pack-ship.order.ready-to-pack` that queues the order's PACK task, whose priority
-- is what pack & ship had heard when it announced it (maybe not yet the new one): the PACK task takes the priority
-- remembered here, so it ends at the order's latest priority whichever event arrives first. Ordered by the event's
-- time, then its id: an older reprioritisation handed over late changes nothing.
CREATE TABLE order_priorities (
  order_id    text PRIMARY KEY,
  priority    integer NOT NULL,
  changed_at  timestamptz NOT NULL,
  event_id    text NOT NULL
);
