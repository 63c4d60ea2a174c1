-- Which request asked a remote carrier's booking or label void (ADR 0056 addendum 2026-12-07): a digest of the caller,
-- its Idempotency-Key and the request (platform/http/idempotency.ts requestIdentity), kept with the owed call. A
-- process killed after the call's commit leaves the key without its answer; when the carrier-calls or label-voids job
-- recorded the call by the time the client sends the same request again, that retry is answered with what was
-- recorded (201 the shipment, 200 the voided shipment) instead of 409 NOTHING_TO_SHIP / ILLEGAL_TRANSITION.
ALTER TABLE carrier_calls ADD COLUMN request_id text;
ALTER TABLE shipments ADD COLUMN void_request_id text;
