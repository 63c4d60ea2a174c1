import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applied, foldTaskFacts, type ObservationRow, type ObservationWrite, type TaskFact } from './task-observations.ts';

type Row = Omit<ObservationRow, 'siteId' | 'type' | 'reference' | 'createdAt'> & { readonly reference: string };

/** The rows one UPDATE or INSERT per event leaves (what `workloadStore.taskQueued` / `taskChanged` did before runs). */
function inTurn(rows: ReadonlyMap<string, Row>, facts: readonly TaskFact[]): Map<string, Row> {
  const out = new Map(rows);
  for (const f of facts) {
    const r = out.get(f.taskId);
    if (f.kind === 'created') {
      // INSERT … ON CONFLICT DO NOTHING
      if (r === undefined) out.set(f.taskId, { reference: f.reference, status: f.status, workerId: null, assignedAt: null, startedAt: null, completedAt: null });
      continue;
    }
    if (r === undefined) continue; // an UPDATE of no row
    switch (f.kind) {
      case 'assigned': out.set(f.taskId, { ...r, status: f.status, workerId: f.workerId, assignedAt: f.at, startedAt: null }); break;
      case 'started': out.set(f.taskId, { ...r, status: f.status, workerId: f.workerId ?? r.workerId, startedAt: r.startedAt ?? f.at }); break;
      case 'completed': out.set(f.taskId, { ...r, status: f.status, workerId: f.workerId ?? r.workerId, completedAt: f.at }); break;
      case 'requeued': out.set(f.taskId, { ...r, status: f.status, workerId: null, assignedAt: null, startedAt: null }); break;
      case 'closed': out.set(f.taskId, { ...r, status: f.status }); break;
    }
  }
  return out;
}

/** The rows the run's one statement leaves: the insert where there is no row, the change where there is one. */
function folded(rows: ReadonlyMap<string, Row>, writes: readonly ObservationWrite[]): Map<string, Row> {
  const out = new Map(rows);
  for (const w of writes) {
    const r = out.get(w.taskId);
    if (r === undefined) {
      if (w.insert !== null) {
        const { siteId: _s, type: _t, createdAt: _c, ...row } = w.insert;
        out.set(w.taskId, row);
      }
      continue;
    }
    const c = w.change;
    out.set(w.taskId, {
      ...r, status: c.status ?? r.status, workerId: applied(r.workerId, c.workerId), assignedAt: applied(r.assignedAt, c.assignedAt),
      startedAt: applied(r.startedAt, c.startedAt), completedAt: applied(r.completedAt, c.completedAt),
    });
  }
  return out;
}

const created = (taskId: string, at: string): TaskFact => ({ kind: 'created', taskId, siteId: 's', type: 'PICK', reference: `ref_${taskId}`, status: 'QUEUED', at });

describe('a run of task events, one write per task', () => {
  it('a task created, claimed, started and completed in one run is inserted as it ends; a started event without a holder keeps the holder', () => {
    const writes = foldTaskFacts([
      created('t2', 'T0'),
      { kind: 'assigned', taskId: 't2', status: 'ASSIGNED', workerId: 'ana', at: 'T1' },
      { kind: 'started', taskId: 't2', status: 'IN_PROGRESS', workerId: null, at: 'T2' },
      { kind: 'started', taskId: 't2', status: 'IN_PROGRESS', workerId: 'ana', at: 'T3' },
      { kind: 'completed', taskId: 't2', status: 'COMPLETED', workerId: 'ana', at: 'T4' },
      { kind: 'assigned', taskId: 't1', status: 'ASSIGNED', workerId: 'bo', at: 'T5' },
    ]);
    expect(writes.map((w) => w.taskId)).toEqual(['t1', 't2']);
    expect(writes[1]!.insert).toEqual({
      siteId: 's', type: 'PICK', reference: 'ref_t2', createdAt: 'T0', status: 'COMPLETED', workerId: 'ana', assignedAt: 'T1', startedAt: 'T2', completedAt: 'T4',
    });
    expect(writes[0]!.insert).toBeNull();
    expect(writes[0]!.change).toMatchObject({ status: 'ASSIGNED', workerId: { op: 'set', value: 'bo' }, startedAt: { op: 'set', value: null }, completedAt: { op: 'keep' } });
  });

  it('leaves every task as handling the events one at a time would, whether or not it had a row (property)', () => {
    const taskId = fc.constantFrom('t1', 't2', 't3');
    const at = fc.constantFrom('T1', 'T2', 'T3', 'T4');
    const worker = fc.constantFrom(null, 'ana', 'bo');
    const fact: fc.Arbitrary<TaskFact> = fc.oneof(
      fc.tuple(taskId, at).map(([id, t]) => created(id, t)),
      fc.record({
        kind: fc.constantFrom('assigned' as const, 'started' as const, 'completed' as const, 'requeued' as const, 'closed' as const),
        taskId, status: fc.constantFrom('ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'QUEUED', 'CANCELLED'), workerId: worker, at,
      }),
    );
    const row: fc.Arbitrary<Row> = fc.record({
      reference: fc.constant('old'), status: fc.constantFrom('QUEUED', 'ASSIGNED'), workerId: worker,
      assignedAt: fc.constantFrom(null, 'T0'), startedAt: fc.constantFrom(null, 'T0'), completedAt: fc.constantFrom(null, 'T0'),
    });
    const before = fc.dictionary(taskId, row).map((d) => new Map(Object.entries(d)));
    fc.assert(fc.property(before, fc.array(fact, { maxLength: 12 }), (rows, facts) => {
      expect(folded(rows, foldTaskFacts(facts))).toEqual(inTurn(rows, facts));
    }), { numRuns: 2000 });
  });
});
