-- The bootstrap admin key is marked, so that a new PAKLOG_ADMIN_API_KEY can revoke the one it replaces
-- (matching on the name would also hit keys an admin happened to call "bootstrap admin").
ALTER TABLE api_keys ADD COLUMN bootstrap boolean NOT NULL DEFAULT false;
UPDATE api_keys SET bootstrap = true WHERE name = 'bootstrap admin' AND role = 'admin';
