-- A return to stock whose units left the tote another way (lost, carried back without a scan) is withdrawn by a
-- manager: CANCELLED, the units still open written off the tote (POST /inventory/returns/{id}/cancel).
ALTER TABLE returns DROP CONSTRAINT returns_status_check;
ALTER TABLE returns ADD CONSTRAINT returns_status_check CHECK (status IN ('OPEN', 'COMPLETED', 'CANCELLED'));
ALTER TABLE returns ADD COLUMN cancel_reason text;
