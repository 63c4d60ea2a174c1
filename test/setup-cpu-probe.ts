/**
 * PAKLOG_TEST_CPU_REPORT=<file>: one JSON line per test file appended to <file> — the file's wall time, the CPU of the
 * vitest worker while it ran (`selfMs`: user + system; workers run one file at a time) and the CPU of the child
 * processes it reaped meanwhile (`childMs`: `paklog` processes, standbys, builds, chromium; /proc/self/stat's cutime +
 * cstime). The PostgreSQL server's CPU is not in it. For finding where a CI run's CPU goes (docs/performance.md,
 * "Where the suite's CPU goes, by file"); off unless set.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';

const report = process.env.PAKLOG_TEST_CPU_REPORT;
if (report !== undefined && report !== '') {
  const reapedChildrenMs = (): number => {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in clock ticks of 10 ms
  };
  let cpu = process.cpuUsage();
  let children = 0;
  let started = 0;
  beforeAll(() => {
    cpu = process.cpuUsage();
    children = reapedChildrenMs();
    started = Date.now();
  });
  afterAll(() => {
    const used = process.cpuUsage(cpu);
    const line = {
      file: expect.getState().testPath ?? '?',
      wallMs: Date.now() - started,
      selfMs: Math.round((used.user + used.system) / 1000),
      childMs: reapedChildrenMs() - children,
    };
    appendFileSync(report, `${JSON.stringify(line)}\n`);
  });
}
