import { describe, expect, it } from 'vitest';
import { parentPid, parseSmapsRollup } from '../bench/memory.ts';

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
});
