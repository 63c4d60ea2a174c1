import { describe, expect, it } from 'vitest';
import { AGEING_STEP_MS, DUE_WINDOW_MS, chooseTask, compareRank, effectivePriority, isEscalated, rankAt, type Rankable } from './ranking.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const inMs = (ms: number): Date => new Date(NOW.getTime() + ms);
const task = (id: string, priority: number, createdAt = NOW, dueAt: Date | null = null): Rankable => ({ id, priority, createdAt, dueAt });

describe('effective priority: ageing and due-time escalation', () => {
  it('improves by one step per AGEING_STEP_MIN of waiting, never past 1', () => {
    expect(effectivePriority(task('a', 5), NOW)).toBe(5);
    expect(effectivePriority(task('a', 5, ago(AGEING_STEP_MS - 1)), NOW)).toBe(5);
    expect(effectivePriority(task('a', 5, ago(AGEING_STEP_MS)), NOW)).toBe(4);
    expect(effectivePriority(task('a', 5, ago(3 * AGEING_STEP_MS + 1)), NOW)).toBe(2);
    expect(effectivePriority(task('a', 5, ago(40 * AGEING_STEP_MS)), NOW)).toBe(1);
    expect(effectivePriority(task('a', 1, ago(40 * AGEING_STEP_MS)), NOW)).toBe(1);
  });

  it('is 0 (above everything) when the due time is within the window or past, whatever the priority', () => {
    expect(isEscalated(inMs(DUE_WINDOW_MS), NOW)).toBe(true);
    expect(isEscalated(inMs(DUE_WINDOW_MS + 1), NOW)).toBe(false);
    expect(isEscalated(null, NOW)).toBe(false);
    expect(effectivePriority(task('a', 9, NOW, ago(1)), NOW)).toBe(0);
    expect(effectivePriority(task('a', 9, NOW, inMs(DUE_WINDOW_MS + 60_000)), NOW)).toBe(9);
  });

  it('orders like the index key rankAt = createdAt + priority × step: the order never contradicts the effective priority', () => {
    const tasks: Rankable[] = [];
    for (let p = 1; p <= 9; p++) for (let age = 0; age < 12; age++) tasks.push(task(`p${p}a${age}`, p, ago(age * 0.7 * AGEING_STEP_MS)));
    const sorted = [...tasks].sort((a, b) => compareRank(a, b, NOW));
    for (let i = 1; i < sorted.length; i++) {
      expect(effectivePriority(sorted[i - 1]!, NOW)).toBeLessThanOrEqual(effectivePriority(sorted[i]!, NOW));
      expect(rankAt(sorted[i - 1]!.createdAt, sorted[i - 1]!.priority).getTime()).toBeLessThanOrEqual(rankAt(sorted[i]!.createdAt, sorted[i]!.priority).getTime());
    }
    // Equal effective priority: the older task first.
    expect(compareRank(task('new', 2, ago(0)), task('old', 3, ago(AGEING_STEP_MS + 5)), NOW)).toBeGreaterThan(0);
  });

  it('puts escalated tasks first, earliest due first, then the rest by rank', () => {
    const fresh1 = task('fresh1', 1);
    const dueLate = task('dueLate', 9, NOW, inMs(20 * 60_000));
    const dueSoon = task('dueSoon', 9, NOW, inMs(5 * 60_000));
    const notYet = task('notYet', 9, NOW, inMs(2 * DUE_WINDOW_MS));
    expect([notYet, fresh1, dueLate, dueSoon].sort((a, b) => compareRank(a, b, NOW)).map((t) => t.id)).toEqual(['dueSoon', 'dueLate', 'fresh1', 'notYet']);
  });
});

describe('chooseTask: interleaving among the top K', () => {
  const dist: Record<string, number> = { far: 100, near: 5, mid: 40, close5: 1 };
  const travel = (t: Rankable): number | undefined => dist[t.id];

  it('takes the nearest of the candidates with the best effective priority', () => {
    const ranked = [task('far', 5, ago(3000)), task('mid', 5, ago(2000)), task('near', 5, ago(1000))];
    expect(chooseTask(ranked, NOW, travel)).toEqual({ index: 2, reason: 'nearest' });
  });

  it('never skips a more urgent task for a closer, less urgent one (priority 1 far beats priority 5 next door)', () => {
    const ranked = [task('far', 1), task('close5', 5)];
    expect(chooseTask(ranked, NOW, travel)).toEqual({ index: 0, reason: 'queue-order' });
  });

  it('takes an escalated task strictly first, whatever the distances', () => {
    const ranked = [task('far', 9, NOW, inMs(60_000)), task('near', 9, NOW, inMs(120_000))];
    expect(chooseTask(ranked, NOW, travel)).toEqual({ index: 0, reason: 'escalated' });
  });

  it('keeps queue order without a position, with K = 1, or beyond the first K', () => {
    const ranked = [task('far', 5, ago(3000)), task('near', 5, ago(2000))];
    expect(chooseTask(ranked, NOW, undefined).index).toBe(0);
    expect(chooseTask(ranked, NOW, travel, 1).index).toBe(0);
    const many = [task('far', 5, ago(9000)), ...Array.from({ length: 8 }, (_, i) => task(`x${i}`, 5, ago(8000 - i))), task('near', 5)];
    expect(chooseTask(many, NOW, travel, 8).index).toBe(0);
    expect(chooseTask([], NOW, travel)).toEqual({ index: -1, reason: 'queue-order' });
  });

  it('ignores candidates whose travel is unknown, and keeps queue order on a tie', () => {
    const ranked = [task('unknown', 5, ago(3000)), task('mid', 5, ago(2000)), task('mid2', 5, ago(1000))];
    const t2 = (t: Rankable) => (t.id === 'unknown' ? undefined : 40);
    expect(chooseTask(ranked, NOW, t2)).toEqual({ index: 1, reason: 'nearest' });
  });
});
