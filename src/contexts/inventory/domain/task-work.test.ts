import { describe, expect, it } from 'vitest';
import { countAttemptState, moveWorkState } from './task-work.ts';

describe('task work state of a putaway, replenishment or return', () => {
  it('is OPEN while open, DONE once completed, WITHDRAWN once cancelled', () => {
    expect(moveWorkState('OPEN')).toBe('OPEN');
    expect(moveWorkState('COMPLETED')).toBe('DONE');
    expect(moveWorkState('CANCELLED')).toBe('WITHDRAWN');
  });
});

describe('task work state of a count attempt', () => {
  it('the count: OPEN while the count waits for it, DONE once submitted, WITHDRAWN when the count was rejected first', () => {
    expect(countAttemptState({ status: 'OPEN', attempt: 1, submitted: false, firstWithinTolerance: null })).toBe('OPEN');
    expect(countAttemptState({ status: 'COMPLETED', attempt: 1, submitted: true, firstWithinTolerance: true })).toBe('DONE');
    expect(countAttemptState({ status: 'RECOUNT', attempt: 1, submitted: true, firstWithinTolerance: false })).toBe('DONE');
    // Submitted, then the recount abandoned: the first attempt's work was done all the same.
    expect(countAttemptState({ status: 'REJECTED', attempt: 1, submitted: true, firstWithinTolerance: false })).toBe('DONE');
    expect(countAttemptState({ status: 'REJECTED', attempt: 1, submitted: false, firstWithinTolerance: null })).toBe('WITHDRAWN');
  });

  it('the recount: OPEN in RECOUNT, DONE once submitted, WITHDRAWN when rejected in RECOUNT, no work when never asked for', () => {
    expect(countAttemptState({ status: 'RECOUNT', attempt: 2, submitted: false, firstWithinTolerance: false })).toBe('OPEN');
    expect(countAttemptState({ status: 'AWAITING_APPROVAL', attempt: 2, submitted: true, firstWithinTolerance: false })).toBe('DONE');
    expect(countAttemptState({ status: 'REJECTED', attempt: 2, submitted: true, firstWithinTolerance: false })).toBe('DONE');
    expect(countAttemptState({ status: 'REJECTED', attempt: 2, submitted: false, firstWithinTolerance: false })).toBe('WITHDRAWN');
    expect(countAttemptState({ status: 'COMPLETED', attempt: 2, submitted: false, firstWithinTolerance: true })).toBeUndefined();
    expect(countAttemptState({ status: 'OPEN', attempt: 2, submitted: false, firstWithinTolerance: null })).toBeUndefined();
    expect(countAttemptState({ status: 'REJECTED', attempt: 2, submitted: false, firstWithinTolerance: null })).toBeUndefined();
  });
});
