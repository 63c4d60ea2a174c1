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
};
