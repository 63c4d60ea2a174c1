/**
 * What the split fault tests share (test/e2e/split-faults.test.ts, split-broker-outage.test.ts): their databases, the
 * conservation check and the post-mortem printed when a fault test fails.
 */
import { expect } from 'vitest';
import { conservation, diagnose, splitTarget, type Harness } from './chaos.ts';
import type { Warehouse } from './flow-driver.ts';
import { splitTestDatabases, type SplitCluster } from './split-cluster.ts';

/** Nothing lost or duplicated: orders, events, units (test/support/chaos.ts). */
export async function expectConserved(h: Harness, w: Warehouse, receivedPerSku: number): Promise<void> {
  const report = await conservation(h, w, receivedPerSku);
  expect(report.problems).toEqual([]);
  expect(report.orders).toBe(h.orders.length);
}

/**
 * `fn`, and if it fails the cluster's post-mortem (outboxes, dead letters, inboxes, the stuck round's wave and its
 * events, the broker's consumers, the processes' last warnings) printed before anything is stopped or dropped.
 */
export async function withPostMortem(cluster: SplitCluster, h: Harness, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    console.error(await diagnose(splitTarget(cluster), h).catch((d: unknown) => `post-mortem failed: ${(d as Error).message}`));
    throw e;
  }
}

export async function databases(drops: (() => Promise<void>)[]): Promise<{ gateway: string; services: string[] }> {
  const dbs = await splitTestDatabases();
  // PAKLOG_KEEP_DATABASES=1 leaves them for a post-mortem (their URLs are printed).
  if (process.env.PAKLOG_KEEP_DATABASES === '1') console.log(`split databases: ${dbs.map((d) => d.url).join(' ')}`);
  else drops.push(...dbs.map((d) => d.drop));
  return { gateway: dbs[0]!.url, services: dbs.slice(1).map((d) => d.url) };
}
