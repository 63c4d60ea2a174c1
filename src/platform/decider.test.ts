import { describe, expect, it } from 'vitest';
import { decideInTx, type Decide } from './decider.ts';
import { ok, reject } from './errors.ts';
import type { Tx } from './db/database.ts';
import { deciderSpec } from './testing/given-when-then.ts';

type Counter = { readonly value: number; readonly max: number };
const increment: Decide<Counter, { by: number }, { value: number }, 'VALIDATION_FAILED' | 'CONFLICT'> = (state, command) => {
  if (command.by <= 0) return reject('VALIDATION_FAILED', 'must add at least one', [{ field: '/by', message: 'must be positive' }]);
  if (state.value + command.by > state.max) return reject('CONFLICT', `would pass ${state.max}`);
  return ok({ value: state.value + command.by });
};

describe('Given/When/Then over a decider', () => {
  const spec = deciderSpec(increment);
  it('states the decision', () => {
    spec.given({ value: 1, max: 5 }).when({ by: 2 }).then({ value: 3 });
  });
  it('states each rejection, with the fields it names', () => {
    spec.given({ value: 1, max: 5 }).when({ by: 0 }).thenRejects('VALIDATION_FAILED', { fields: ['/by'] });
    spec.given({ value: 4, max: 5 }).when({ by: 2 }).thenRejects('CONFLICT', { message: /pass 5/ });
  });
  it('fails when the decider does the other thing', () => {
    expect(() => spec.given({ value: 4, max: 5 }).when({ by: 2 }).then({ value: 6 })).toThrow(/rejection CONFLICT/);
    expect(() => spec.given({ value: 1, max: 5 }).when({ by: 1 }).thenRejects('CONFLICT')).toThrow(/got the decision/);
  });
});

describe('decideInTx', () => {
  /** A database double that records whether the transaction committed: rollback is the contract under test. */
  function fakeDb() {
    const log: string[] = [];
    return {
      log,
      async tx<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
        const tx: Tx = {
          query: async () => { log.push('write'); return []; }, afterCommit: () => undefined, writeBeforeCommit: () => undefined, flushQueued: async () => undefined,
        };
        try {
          const value = await fn(tx);
          log.push('commit');
          return value;
        } catch (e) {
          log.push('rollback');
          throw e;
        }
      },
    };
  }

  it('commits an accepted decision', async () => {
    const db = fakeDb();
    const outcome = await decideInTx(db, async (tx) => { await tx.query('x'); return ok(1); });
    expect(outcome).toEqual({ ok: true, value: 1 });
    expect(db.log).toEqual(['write', 'commit']);
  });
  it('rolls back a rejection and returns it', async () => {
    const db = fakeDb();
    const outcome = await decideInTx(db, async (tx) => { await tx.query('x'); return reject('CONFLICT', 'no'); });
    expect(outcome).toEqual({ ok: false, code: 'CONFLICT', message: 'no' });
    expect(db.log).toEqual(['write', 'rollback']);
  });
  it('lets a fault through', async () => {
    const db = fakeDb();
    await expect(decideInTx(db, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  });
});
