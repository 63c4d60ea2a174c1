-- Carrier calls owed (ADR 0056). A booking with a remote carrier is written here and committed BEFORE the carrier is
-- asked, outside any transaction; its outcome is recorded by a second transaction (the shipment LABELLED with its
-- events, or, when it can no longer be, a VOIDED or CANCELLED shipment whose label void is owed: label_void, 011).
-- A process that stops between the carrier's answer and that commit leaves the call OWED: the carrier-calls job asks
-- the carrier again with the same key (it answers the booking it made) and records or voids it. Keyed by the id the
-- shipment gets when it is recorded.
CREATE TABLE carrier_calls (
  shipment_id     text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('BOOK', 'VOID')),
  order_id        text NOT NULL,
  site_id         text NOT NULL,
  carrier         text NOT NULL,
  service         text NOT NULL,
  -- The carrier's idempotency key (Idempotency-Key of the REST adapter): every attempt of this call sends it.
  call_key        text NOT NULL,
  -- What the carrier is sent (ship-from, ship-to, parcels), the packages booked and the quote, to ask again as asked.
  request         jsonb NOT NULL,
  -- OWED until settled; DONE once its outcome is recorded (shipment_id names the shipment); FAILED once the carrier
  -- never answered after every attempt (pack-ship.label.booking-unsettled.v1, LABEL_BOOKING_UNSETTLED for a person).
  state           text NOT NULL CHECK (state IN ('OWED', 'DONE', 'FAILED')),
  -- False once a newer booking of the order (another key) took its place: whatever the carrier booked for it is voided.
  wanted          boolean NOT NULL DEFAULT true,
  -- An attempt is asking the carrier until then: others wait for it (a request) or leave it be (the job).
  leased_until    timestamptz,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text,
  tracking_number text,
  created_at      timestamptz NOT NULL,
  settled_at      timestamptz
);
-- One booking of an order asked at a time.
CREATE UNIQUE INDEX carrier_calls_one_owed_booking_idx ON carrier_calls (order_id) WHERE state = 'OWED' AND kind = 'BOOK' AND wanted;
CREATE INDEX carrier_calls_owed_idx ON carrier_calls (created_at) WHERE state = 'OWED';

-- The void of a LABELLED shipment's label (POST /shipments/{id}/void) is owed from its own commit too: label_void OWED
-- since void_asked_at, the shipment still LABELLED (never manifested nor dispatched meanwhile) until a second
-- transaction records the carrier's answer (VOIDED). A process that stops in between leaves it to the label-voids job,
-- which asks the carrier again (a label it no longer knows counts as voided) and records it.
ALTER TABLE shipments ADD COLUMN void_asked_at timestamptz;
CREATE INDEX shipments_void_asked_idx ON shipments (void_asked_at) WHERE label_void = 'OWED' AND status = 'LABELLED';
