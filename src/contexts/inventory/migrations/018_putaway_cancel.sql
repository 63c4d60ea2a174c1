-- A putaway nobody will finish (its units left the receiving location another way, or are moved by hand) is withdrawn:
-- CANCELLED, with units still open and nothing moved (POST /inventory/putaways/{id}/cancel).
ALTER TABLE putaways DROP CONSTRAINT putaways_status_check;
ALTER TABLE putaways ADD CONSTRAINT putaways_status_check CHECK (status IN ('OPEN', 'COMPLETED', 'CANCELLED'));
