-- Cartons sealed before migration 010 (pack-ship.package.packed carried no SSCC then) answer only to their pkg_ id,
-- printed on no label. Pack & ship still knows each sealed package's SSCC (PackShipApi.packageSsccs): the job
-- physical-tracking.carton-ssccs asks it for the cartons listed here, gives each its SSCC, and takes it off the list.
-- A carton is taken off once given its SSCC or once it left the floor; one still on the floor whose package has none
-- yet (packed before SSCCs existed: given one when booked) is asked again later, the longest unasked first (asked_at).
CREATE TABLE carton_sscc_backfill (
  lpn_id   text PRIMARY KEY,
  asked_at timestamptz
);
INSERT INTO carton_sscc_backfill (lpn_id)
  SELECT id FROM lpns WHERE type = 'CARTON' AND sscc IS NULL AND code LIKE 'pkg\_%';
