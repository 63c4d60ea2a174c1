import { ORDER_STATUSES } from '../../contracts/orders.ts';
import { statusCountsTests } from '../../../test/support/status-counts.ts';

// GET /orders/counts: the dashboard's exact order figures (one GROUP BY status statement).
statusCountsTests({
  path: 'orders', contexts: 'catalog,location-master,orders,waves,pack-ship', statuses: ORDER_STATUSES, many: 'ALLOCATED', few: 'SHIPPED',
  insert: async (t, siteId, status, n, tag) => {
    await t.app.db.query(
      `INSERT INTO orders.orders (id, external_id, site_id, owner_id, carrier, priority, ship_to, status, created_at, updated_at)
       SELECT 'ord_cnt' || $3 || $2 || g, 'CNT-' || $3 || $2 || g, $1, 'own_default', 'OWN_FLEET', 5, '{}'::jsonb, $2, now(), now()
       FROM generate_series(1, $4::int) g`,
      [siteId, status, tag, n],
    );
  },
});
