import { EXCEPTION_STATUSES } from '../../contracts/orchestration.ts';
import { statusCountsTests } from '../../../test/support/status-counts.ts';

// GET /exceptions/counts: the dashboard's exact count of open exceptions (one GROUP BY status statement).
statusCountsTests({
  path: 'exceptions', contexts: 'location-master,orchestration', statuses: EXCEPTION_STATUSES, many: 'OPEN', few: 'RESOLVED',
  insert: async (t, siteId, status, n, tag) => {
    await t.app.db.query(
      `INSERT INTO orchestration.exceptions (id, case_key, kind, subject, site_id, reason, actions, details, status, raised_at)
       SELECT 'exc_cnt' || $3 || $2 || g, 'cnt:' || $3 || $2 || g, 'DEAD_LETTER', 'dlq_cnt' || $3 || $2 || g, $1, 'counted', ARRAY['retry'], '{}'::jsonb, $2, now()
       FROM generate_series(1, $4::int) g`,
      [siteId, status, tag, n],
    );
  },
});
