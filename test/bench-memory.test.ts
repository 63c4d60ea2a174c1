import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { metricValue, parentPid, parseSmapsRollup, serverProcessMemory } from '../bench/memory.ts';
import { startNodeFlags } from './support/paklog-process.ts';

/** V8's heap limit, MiB, of a Node process started with `flags`. */
const heapLimitMiB = (flags: string[]): number =>
  Number(execFileSync(process.execPath, [...flags, '-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit / 2 ** 20))'], { encoding: 'utf8' }));

describe('the server as npm start runs it (ADR 0050)', () => {
  it('caps V8\'s old generation at 1 GiB and its young one at 3 × 4 MiB; the tests and benches start it the same way', () => {
    const flags = startNodeFlags();
    expect(flags).toEqual(['--max-old-space-size=1024', '--max-semi-space-size=4']);
    // The capped limit, against Node's own sizing from this machine's RAM: the flags take effect.
    expect(heapLimitMiB(flags)).toBe(1024 + 3 * 4);
    expect(heapLimitMiB([])).not.toBe(1024 + 3 * 4);
  });
});

/** The /proc parsing behind the flow benchmark's memory figure (issue 18 b). */
describe('bench memory figures', () => {
  it('reads Rss, Pss and its anonymous, shared-memory and file parts from smaps_rollup, in KiB', () => {
    const text = [
      '55d1c4a8e000-7ffd5b9fc000 ---p 00000000 00:00 0                          [rollup]',
      'Rss:              148232 kB',
      'Pss:               21007 kB',
      'Pss_Dirty:          2296 kB',
      'Pss_Anon:           1840 kB',
      'Pss_File:           6100 kB',
      'Pss_Shmem:         13067 kB',
      'Shared_Clean:       7108 kB',
      'SwapPss:               0 kB',
    ].join('\n');
    expect(parseSmapsRollup(text)).toEqual({ rssKiB: 148232, pssKiB: 21007, pssAnonKiB: 1840, pssShmemKiB: 13067, pssFileKiB: 6100 });
  });

  it('reports 0 for the parts an older kernel does not list', () => {
    expect(parseSmapsRollup('Rss:  100 kB\nPss:   40 kB\n')).toEqual({ rssKiB: 100, pssKiB: 40, pssAnonKiB: 0, pssShmemKiB: 0, pssFileKiB: 0 });
  });

  it('answers undefined without a Pss line (an old kernel, a truncated read)', () => {
    expect(parseSmapsRollup('Rss:  100 kB\nPss_Anon:  3 kB\n')).toBeUndefined();
  });

  it('finds the parent pid after a command name holding spaces and parentheses', () => {
    expect(parentPid('4242 (postgres: paklog bench (idle)) S 4100 4100 4100 0 -1 4194560 612 0 0 0')).toBe(4100);
    expect(parentPid('1 (init) S 0 1 1 0')).toBeUndefined();
  });

  it('reads an unlabelled sample of a /metrics text, not a longer name that starts with it', () => {
    const text = [
      '# HELP paklog_nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
      '# TYPE paklog_nodejs_heap_size_used_bytes gauge',
      'paklog_nodejs_heap_size_used_bytes_extra 1',
      'paklog_nodejs_heap_size_used_bytes 98566144',
      'paklog_db_statements_total 14411',
      'paklog_http_requests{route="/x"} 3',
    ].join('\n');
    expect(metricValue(text, 'paklog_nodejs_heap_size_used_bytes')).toBe(98566144);
    expect(metricValue(text, 'paklog_db_statements_total')).toBe(14411);
    expect(metricValue(text, 'paklog_http_requests')).toBeUndefined();
    expect(metricValue(text, 'paklog_missing')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('measures a process by its pid, with the heap figures its /metrics reports', () => {
    const m = serverProcessMemory(process.pid, 'paklog_nodejs_heap_size_used_bytes 10485760\npaklog_nodejs_heap_size_total_bytes 20971520\n');
    expect(m?.rssMiB).toBeGreaterThan(10);
    expect(m?.pssMiB).toBeGreaterThan(0);
    expect(m?.pssMiB).toBeLessThanOrEqual(m!.rssMiB);
    expect(m).toMatchObject({ heapUsedMiB: 10, heapTotalMiB: 20, externalMiB: null });
    expect(serverProcessMemory(2 ** 22 + 1, undefined)).toBeUndefined();
  });
});
