import { afterEach, describe, expect, it, vi } from 'vitest';
import { jobRunner } from '../../platform/jobs.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { tasksContext } from './index.ts';

/** Just enough platform for the sweep: a database whose transactions find nothing stale. */
function fakeDeps() {
  const tx = vi.fn(async (fn: (tx: unknown) => Promise<unknown>) => fn({ query: async () => [], afterCommit: () => undefined }));
  const deps = {
    db: { tx }, clock: { now: () => new Date('2030-01-01T00:00:00Z') },
    log: { error: vi.fn() }, metrics: { counter: () => ({ inc: () => undefined }) }, bus: { append: vi.fn() },
  } as unknown as PlatformDeps;
  return { deps, tx };
}

const noSites = { getSite: async () => undefined, getLocations: async () => new Map(), listLocations: async () => [] };
const noLists = { pickListProgress: async () => undefined };
const noWork = { openTaskWork: async () => undefined, taskWorkState: async () => undefined };
const noPacking = { openPackWork: async () => undefined, packWorkState: async () => undefined };

afterEach(() => {
  vi.useRealTimers();
});

describe('tasks: assignment timeout timer', () => {
  it('sweeps every quarter of the timeout once started, and no more once stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { deps, tx } = fakeDeps();
    const tasks = jobRunner(deps.log, tasksContext(deps, { assignTimeoutS: 60, locations: noSites, picking: noLists, inventory: noWork, packShip: noPacking }).jobs ?? []);
    vi.advanceTimersByTime(60_000);
    expect(tx).not.toHaveBeenCalled();

    tasks.start();
    vi.advanceTimersByTime(15_000);
    expect(tx).toHaveBeenCalledTimes(1);
    await tasks.stop();
    vi.advanceTimersByTime(60_000);
    expect(tx).toHaveBeenCalledTimes(1);
  });

  it('sweeps at most every 30 s for long timeouts', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { deps, tx } = fakeDeps();
    const tasks = jobRunner(deps.log, tasksContext(deps, { assignTimeoutS: 3600, locations: noSites, picking: noLists, inventory: noWork, packShip: noPacking }).jobs ?? []);
    tasks.start();
    vi.advanceTimersByTime(30_000);
    expect(tx).toHaveBeenCalledTimes(1);
    return tasks.stop();
  });
});
