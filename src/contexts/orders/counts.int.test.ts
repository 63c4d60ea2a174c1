import { ORDER_STATUSES } from '../../contracts/orders.ts';
import { expect, it } from 'vitest';
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
  also: (ctx) => {
    it('a key scoped to one owner counts that owner\'s orders only (ADR 0028)', async () => {
      const { t, S } = ctx();
      await t.app.db.query(
        `INSERT INTO orders.orders (id, external_id, site_id, owner_id, carrier, priority, ship_to, status, created_at, updated_at)
         SELECT 'ord_cntown' || g, 'CNT-OWN-' || g, $1, 'own_other', 'OWN_FLEET', 5, '{}'::jsonb, 'RECEIVED', now(), now() FROM generate_series(1, 7) g`,
        [S.CNTA!],
      );
      expect((await t.get(`/api/v1/orders/counts?siteId=CNTA`)).body.byStatus.RECEIVED).toBe(7);
      const key = await t.post('/api/v1/api-keys', { name: 'default owner', role: 'integration', ownerId: 'own_default' });
      expect(key.status).toBe(201);
      const own = await t.request('GET', '/api/v1/orders/counts?siteId=CNTA', { role: null, headers: { 'x-api-key': key.body.key } });
      expect(own.status).toBe(200);
      expect(own.body.byStatus).toMatchObject({ RECEIVED: 0, ALLOCATED: 612, SHIPPED: 3 });
    });
  },
});
