import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.ts';

describe('event queue', () => {
  it('gives events in time order, equal times in the order they were scheduled', () => {
    const q = new EventQueue<string>();
    const times = [5, 1, 3, 3, 0, 9, 3, 2];
    times.forEach((t, i) => q.push(t, `${t}:${i}`));
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.event);
    expect(out).toEqual(['0:4', '1:1', '2:7', '3:2', '3:3', '3:6', '5:0', '9:5']);
    expect(q.size()).toBe(0);
  });
});
