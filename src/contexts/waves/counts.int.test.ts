import { WAVE_STATUSES } from '../../contracts/waves.ts';
import { statusCountsTests } from '../../../test/support/status-counts.ts';

// GET /waves/counts: the dashboard's exact wave figures (one GROUP BY status statement).
statusCountsTests({
  path: 'waves', contexts: 'catalog,location-master,orders,waves,pack-ship', statuses: WAVE_STATUSES, many: 'COMPLETED', few: 'PLANNED',
  insert: async (t, siteId, status, n, tag) => {
    await t.app.db.query(
      `INSERT INTO waves.waves (id, site_id, carrier, max_orders, status, created_at, updated_at)
       SELECT 'wav_cnt' || $3 || $2 || g, $1, 'OWN_FLEET', 50, $2, now(), now() FROM generate_series(1, $4::int) g`,
      [siteId, status, tag, n],
    );
  },
});
