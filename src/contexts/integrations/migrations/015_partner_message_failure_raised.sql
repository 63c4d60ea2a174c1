-- A partner message's `recovered` event answers its `failed` one (exc8): `failure_raised` is set in the transaction
-- that marks it FAILED and publishes integrations.partner-message.failed, and cleared by the one that publishes
-- integrations.partner-message.recovered. Before, `recovered` went with any delivery whose attempts had reached
-- PAKLOG_PARTNER_MAX_ATTEMPTS: again at each later replay of a recovered message, and for one replayed while its last
-- attempt was under way (never FAILED, no `failed` said). Messages FAILED now, and those replayed after a failure
-- (PENDING, the last attempt failed, at least the default 50 attempts), are taken as raised.
ALTER TABLE partner_messages ADD COLUMN failure_raised boolean NOT NULL DEFAULT false;
UPDATE partner_messages SET failure_raised = true
 WHERE status = 'FAILED' OR (status = 'PENDING' AND last_error IS NOT NULL AND attempts >= 50);
