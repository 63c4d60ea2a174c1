-- A way out for a delivery (ADR 0034 addendum 2026-12-04): ABANDONED by a person (a receiver that refuses it for good
-- no longer blocks its subject's later deliveries), CANCELLED when its subscription is deleted (nothing would send it).
-- Both say when, by whom and why.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'ABANDONED', 'CANCELLED'));
ALTER TABLE deliveries ADD COLUMN ended_at timestamptz, ADD COLUMN ended_by text, ADD COLUMN end_reason text;

-- The deliveries of subscriptions deleted before this: PENDING forever, with a next attempt that never came.
UPDATE deliveries d SET status = 'CANCELLED', ended_at = s.deleted_at, end_reason = 'its webhook subscription was deleted', lease_until = NULL
  FROM subscriptions s WHERE s.id = d.subscription_id AND s.deleted_at IS NOT NULL AND d.status = 'PENDING';
