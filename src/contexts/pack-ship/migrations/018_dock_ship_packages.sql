-- The packages whose cartons a SHIP scan at the dock took out (physical tracking names the cartons of the scanned tree
-- by their package ids, PackShipApi.claimDockShip `packageIds`), kept on each of the claim's order rows. A package
-- whose carton left by such a scan is not repacked (409 ILLEGAL_TRANSITION): its units are on the truck. Claims made
-- before this column name none.
ALTER TABLE dock_ship_claims ADD COLUMN package_ids text[] NOT NULL DEFAULT '{}';
