/** SQL of pack & ship's record of packages on quality hold (issue 13). */
import type { Executor } from '../../platform/db/database.ts';

export const qualityHoldStore = {
  async place(db: Executor, h: { packageId: string; orderId: string; inspectionId: string; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.quality_holds (package_id, order_id, inspection_id, status, placed_at) VALUES ($1, $2, $3, 'HELD', $4)
       ON CONFLICT (package_id) DO NOTHING`, [h.packageId, h.orderId, h.inspectionId, h.now]);
  },

  async dispose(db: Executor, inspectionId: string, status: 'RELEASED' | 'SCRAPPED', now: Date): Promise<void> {
    await db.query(`UPDATE pack_ship.quality_holds SET status = $2, disposed_at = $3 WHERE inspection_id = $1 AND status = 'HELD'`, [inspectionId, status, now]);
  },

  /** The hold of a package, if a failed inspection placed one (the caller holds its order's row lock). */
  async ofPackage(db: Executor, packageId: string): Promise<{ inspection_id: string; status: 'HELD' | 'RELEASED' | 'SCRAPPED' } | undefined> {
    const rows = await db.query<{ inspection_id: string; status: 'HELD' | 'RELEASED' | 'SCRAPPED' }>(
      'SELECT inspection_id, status FROM pack_ship.quality_holds WHERE package_id = $1', [packageId]);
    return rows[0];
  },

  /**
   * A package's status and the shipment that carries it (the caller holds its order's row lock, which dispatch takes):
   * what a hold or a disposition is told about a package that left already.
   */
  async packageShipping(db: Executor, packageId: string): Promise<{
    status: string; site_id: string; shipment_id: string | null; carrier: string | null; tracking_number: string | null; dispatched_at: Date | null;
  } | undefined> {
    const rows = await db.query<{ status: string; site_id: string; shipment_id: string | null; carrier: string | null; tracking_number: string | null; dispatched_at: Date | null }>(
      `SELECT p.status, p.site_id, p.shipment_id, s.carrier, s.tracking_number, s.dispatched_at
         FROM pack_ship.packages p LEFT JOIN pack_ship.shipments s ON s.id = p.shipment_id WHERE p.id = $1`, [packageId]);
    return rows[0];
  },

  /** quality.inspection.required of a package: OPEN (a redelivery, or one seen DONE already, changes nothing). */
  async inspectionOpened(db: Executor, i: { inspectionId: string; packageId: string; orderId: string; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.package_inspections (inspection_id, package_id, order_id, status, opened_at) VALUES ($1, $2, $3, 'OPEN', $4)
       ON CONFLICT (inspection_id) DO NOTHING`, [i.inspectionId, i.packageId, i.orderId, i.now]);
  },

  /** The inspection passed, or failed and placed its hold: it no longer keeps the package from a repack. */
  async inspectionDone(db: Executor, i: { inspectionId: string; packageId: string; orderId: string; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.package_inspections (inspection_id, package_id, order_id, status, opened_at, done_at) VALUES ($1, $2, $3, 'DONE', $4, $4)
       ON CONFLICT (inspection_id) DO UPDATE SET status = 'DONE', done_at = EXCLUDED.done_at WHERE package_inspections.status = 'OPEN'`,
      [i.inspectionId, i.packageId, i.orderId, i.now]);
  },

  /** The OPEN inspections of a package (the caller holds its order's row lock, which their handlers take too). */
  async openInspectionsOf(db: Executor, packageId: string): Promise<string[]> {
    const rows = await db.query<{ inspection_id: string }>(
      `SELECT inspection_id FROM pack_ship.package_inspections WHERE package_id = $1 AND status = 'OPEN' ORDER BY inspection_id`, [packageId]);
    return rows.map((r) => r.inspection_id);
  },
};
