import { describe, expect, it } from 'vitest';
import type { PickListProgress } from '../../../contracts/picking.ts';
import type { TaskType } from '../../../contracts/tasks.ts';
import { deciderSpec } from '../../../platform/testing/given-when-then.ts';
import { decideHandCompletion, pickListEnd, workStateEnd, type HandCompletionState } from './work-done.ts';

const spec = deciderSpec((s: HandCompletionState) => decideHandCompletion(s));
const task = (type: TaskType = 'PICK') => ({ id: 'tsk_1', type, reference: 'pkl_1' });
const list = (over: Partial<PickListProgress> = {}): PickListProgress => ({ pickListId: 'pkl_1', status: 'IN_PROGRESS', openLines: 2, lines: 3, ...over });

describe('completing a task by hand', () => {
  it('refuses a PICK task whose list still has open lines, naming how many and what to do', () => {
    spec.given({ task: task(), pickList: list() }).when(undefined).thenRejects('PICK_LINES_OPEN', { message: /pick list pkl_1 still has 2 of 3 line\(s\) open.*[Cc]onfirm or short/ });
    spec.given({ task: task(), pickList: list({ status: 'CREATED', openLines: 3 }) }).when(undefined).thenRejects('PICK_LINES_OPEN', { message: /3 of 3/ });
  });

  it('completes a PICK task whose list has no open line (the handheld\'s complete after the last scan)', () => {
    for (const status of ['COMPLETED', 'PARTIAL'] as const) {
      expect(spec.given({ task: task(), pickList: list({ status, openLines: 0 }) }).when(undefined).then('complete')).toBe('complete');
    }
  });

  it('refuses a PICK task whose list was cancelled with its order: withdrawn work is not done', () => {
    spec.given({ task: task(), pickList: list({ status: 'CANCELLED', openLines: 0 }) }).when(undefined)
      .thenRejects('TASK_WORK_WITHDRAWN', { message: /pick list pkl_1 was cancelled with its order.*next POST \/tasks\/next/ });
  });

  it('refuses a PUTAWAY, REPLENISH, MOVE or COUNT task whose inventory work was withdrawn, naming it', () => {
    spec.given({ task: { id: 'tsk_1', type: 'PUTAWAY', reference: 'put_1' }, workState: 'WITHDRAWN' }).when(undefined)
      .thenRejects('TASK_WORK_WITHDRAWN', { message: /its putaway put_1 was cancelled/ });
    spec.given({ task: { id: 'tsk_1', type: 'MOVE', reference: 'rtn_1' }, workState: 'WITHDRAWN' }).when(undefined)
      .thenRejects('TASK_WORK_WITHDRAWN', { message: /its return to stock rtn_1 was cancelled/ });
    spec.given({ task: { id: 'tsk_1', type: 'REPLENISH', reference: 'rpl_1' }, workState: 'WITHDRAWN' }).when(undefined)
      .thenRejects('TASK_WORK_WITHDRAWN', { message: /its replenishment rpl_1 was cancelled/ });
    spec.given({ task: { id: 'tsk_1', type: 'COUNT', reference: 'cnt_1:recount' }, workState: 'WITHDRAWN' }).when(undefined)
      .thenRejects('TASK_WORK_WITHDRAWN', { message: /its count attempt cnt_1:recount was abandoned/ });
  });

  it('refuses a PACK task whose order was cancelled before it was packed', () => {
    spec.given({ task: { id: 'tsk_1', type: 'PACK', reference: 'ord_1' }, workState: 'WITHDRAWN' }).when(undefined)
      .thenRejects('TASK_WORK_WITHDRAWN', { message: /order ord_1 was cancelled \(its shipping stopped\) before it was packed/ });
  });

  it('completes a task whose inventory work is DONE', () => {
    spec.given({ task: task('PUTAWAY'), workState: 'DONE' }).when(undefined).then('complete');
  });

  it('completes a PICK task picking knows no list of: nothing is known open', () => {
    spec.given({ task: task(), pickList: undefined }).when(undefined).then('complete');
  });

  it('refuses a PUTAWAY, REPLENISH, MOVE or COUNT task whose inventory work is still open, naming it and how it is finished', () => {
    spec.given({ task: task('PUTAWAY'), openWork: { kind: 'PUTAWAY', id: 'put_1', status: 'OPEN', remaining: 3 } }).when(undefined)
      .thenRejects('TASK_WORK_OPEN', { message: /putaway put_1 still has 3 unit\(s\) to put away.*POST \/inventory\/putaways\/put_1\/confirm/ });
    spec.given({ task: task('REPLENISH'), openWork: { kind: 'REPLENISHMENT', id: 'rpl_1', status: 'OPEN', remaining: 8 } }).when(undefined)
      .thenRejects('TASK_WORK_OPEN', { message: /replenishment rpl_1 \(8 unit\(s\)\) is not confirmed.*POST \/replenishments\/rpl_1\/confirm/ });
    spec.given({ task: task('MOVE'), openWork: { kind: 'RETURN', id: 'ret_1', status: 'OPEN', remaining: 1 } }).when(undefined)
      .thenRejects('TASK_WORK_OPEN', { message: /return ret_1 still has 1 unit\(s\) to put back/ });
    spec.given({ task: task('COUNT'), openWork: { kind: 'COUNT', id: 'cnt_1', status: 'RECOUNT', remaining: null } }).when(undefined)
      .thenRejects('TASK_WORK_OPEN', { message: /count cnt_1 \(RECOUNT\) waits for this attempt: submit it/ });
  });

  it('refuses a PACK task whose order still has picked units to pack, naming them and how to pack them', () => {
    spec.given({ task: task('PACK'), openPack: { orderId: 'ord_1', unitsPicked: 5, unitsToPack: 3, unitsToPickAgain: 0, openPackageIds: ['pkg_1'] } }).when(undefined)
      .thenRejects('TASK_WORK_OPEN', { message: /order ord_1 still has 3 of 5 picked unit\(s\) to pack \(open carton pkg_1\).*\/seal/ });
  });

  it('refuses a PACK task whose shipComplete order waits for units shorted at packing to be picked again, nothing left in the tote (ADR 0024 addendum 2026-12-07)', () => {
    spec.given({ task: task('PACK'), openPack: { orderId: 'ord_1', unitsPicked: 1, unitsToPack: 0, unitsToPickAgain: 1, openPackageIds: [] } }).when(undefined)
      .thenRejects('TASK_WORK_OPEN', { message: /order ord_1 ships complete: 1 unit\(s\) shorted at packing are picked again.*pause the task/ });
  });

  it('completes a task whose work is done or unknown (a COUNT a short\'s resolution named), and PACK (order packed) and LOAD tasks', () => {
    for (const type of ['PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD'] as const) {
      spec.given({ task: task(type), pickList: list(), openWork: undefined }).when(undefined).then('complete');
    }
  });
});

describe('how a task\'s work ended, as its event would say', () => {
  it('a pick list: COMPLETED or PARTIAL is done, CANCELLED withdrawn, an open or unknown list has not ended', () => {
    expect(pickListEnd('COMPLETED')).toBe('DONE');
    expect(pickListEnd('PARTIAL')).toBe('DONE');
    expect(pickListEnd('CANCELLED')).toBe('WITHDRAWN');
    expect([pickListEnd('CREATED'), pickListEnd('IN_PROGRESS'), pickListEnd(undefined)]).toEqual([undefined, undefined, undefined]);
  });

  it('inventory work or packing: DONE or WITHDRAWN as its owner says; open or unknown work has not ended', () => {
    expect(workStateEnd('DONE')).toBe('DONE');
    expect(workStateEnd('WITHDRAWN')).toBe('WITHDRAWN');
    expect([workStateEnd('OPEN'), workStateEnd(undefined)]).toEqual([undefined, undefined]);
  });
});
