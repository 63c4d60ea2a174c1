/**
 * Helpers of the write-skew race tests (docs/dev/contexts.md, "two-topic handler pairs"): run one side in a transaction
 * held open while the other runs, and call a context's event handler directly in a transaction of the test's own.
 */
import type { Database, Tx } from '../../src/platform/db/database.ts';
import type { EventEnvelope } from '../../src/platform/bus/envelope.ts';
import type { TestApp } from './test-app.ts';

/**
 * Runs `first` in a transaction kept open until `second` has run for 300 ms or finished, then commits it and waits for
 * both. Answers whether `second` finished while `first`'s transaction was still open (it did not wait for a lock).
 */
export async function overlapped(db: Database, first: (tx: Tx) => Promise<unknown>, second: () => Promise<unknown>): Promise<boolean> {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let ran!: () => void;
  const firstRan = new Promise<void>((r) => { ran = r; });
  const held = db.tx(async (tx) => {
    await first(tx);
    ran();
    await gate;
  });
  await firstRan;
  let secondDone = false;
  const other = second().then(() => { secondDone = true; });
  await Promise.race([other, new Promise((r) => setTimeout(r, 300))]);
  const finishedWhileOpen = secondDone;
  release();
  await Promise.all([held, other]);
  return finishedWhileOpen;
}

/** The handler of `context`'s subscription to `type` alone (not one several types share). */
export function handlerOf(t: TestApp, context: string, type: string): (event: EventEnvelope, tx: Tx) => Promise<void> {
  const sub = t.app.modules.find((m) => m.name === context)?.subscriptions?.find((s) => s.types.length === 1 && s.types[0] === type);
  if (sub === undefined) throw new Error(`${context} has no subscription to ${type}`);
  return sub.handle;
}

let seq = 0;
/** An event as the bus would deliver it, with a fresh id. */
export function envelope<T>(type: string, subject: string, data: T, siteId: string): EventEnvelope<T> {
  return {
    specversion: '1.0', id: `evt_race${Date.now()}_${++seq}`, type, source: type.split('.')[0]!, subject, time: new Date().toISOString(),
    datacontenttype: 'application/json', data, siteid: siteId,
  };
}
