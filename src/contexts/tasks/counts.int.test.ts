import { TASK_STATUSES } from '../../contracts/tasks.ts';
import { statusCountsTests } from '../../../test/support/status-counts.ts';

// GET /tasks/counts: the dashboard's exact task figures (one GROUP BY status statement).
statusCountsTests({
  path: 'tasks', statuses: TASK_STATUSES, many: 'QUEUED', few: 'COMPLETED',
  insert: async (t, siteId, status, n, tag) => {
    await t.app.db.query(
      `INSERT INTO tasks.tasks (id, site_id, type, reference, status, rank_at, created_at, updated_at)
       SELECT 'tsk_cnt' || $3 || $2 || g, $1, 'PICK', 'pl_cnt' || $3 || $2 || g, $2, now(), now(), now() FROM generate_series(1, $4::int) g`,
      [siteId, status, tag, n],
    );
  },
});
