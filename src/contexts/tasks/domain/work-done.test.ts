import { describe, expect, it } from 'vitest';
import type { PickListProgress } from '../../../contracts/picking.ts';
import type { TaskType } from '../../../contracts/tasks.ts';
import { deciderSpec } from '../../../platform/testing/given-when-then.ts';
import { decideHandCompletion, type HandCompletionState } from './work-done.ts';

const spec = deciderSpec((s: HandCompletionState) => decideHandCompletion(s));
const task = (type: TaskType = 'PICK') => ({ id: 'tsk_1', type, reference: 'pkl_1' });
const list = (over: Partial<PickListProgress> = {}): PickListProgress => ({ pickListId: 'pkl_1', status: 'IN_PROGRESS', openLines: 2, lines: 3, ...over });

describe('completing a task by hand', () => {
  it('refuses a PICK task whose list still has open lines, naming how many and what to do', () => {
    spec.given({ task: task(), pickList: list() }).when(undefined).thenRejects('PICK_LINES_OPEN', { message: /pick list pkl_1 still has 2 of 3 line\(s\) open.*[Cc]onfirm or short/ });
    spec.given({ task: task(), pickList: list({ status: 'CREATED', openLines: 3 }) }).when(undefined).thenRejects('PICK_LINES_OPEN', { message: /3 of 3/ });
  });

  it('completes a PICK task whose list has no open line (the handheld\'s complete after the last scan)', () => {
    for (const status of ['COMPLETED', 'PARTIAL', 'CANCELLED'] as const) {
      expect(spec.given({ task: task(), pickList: list({ status, openLines: 0 }) }).when(undefined).then('complete')).toBe('complete');
    }
  });

  it('completes a PICK task picking knows no list of: nothing is known open', () => {
    spec.given({ task: task(), pickList: undefined }).when(undefined).then('complete');
  });

  it('leaves other task types to their worker', () => {
    for (const type of ['PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD'] as const) {
      spec.given({ task: task(type), pickList: list() }).when(undefined).then('complete');
    }
  });
});
