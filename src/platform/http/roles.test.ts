import { describe, expect, it } from 'vitest';
import { actsEverywhereAlike, overallRole, roleAt } from './roles.ts';

describe('per-site roles', () => {
  it('a manager of site A with no other grant is nothing at site B', () => {
    const p = { sites: { sit_a: 'manager' as const } };
    expect(roleAt(p, 'sit_a')).toBe('manager');
    expect(roleAt(p, 'sit_b')).toBeUndefined();
  });
  it('a site grant wins over the every-site grant', () => {
    const p = { sites: { '*': 'viewer' as const, sit_a: 'manager' as const } };
    expect(roleAt(p, 'sit_a')).toBe('manager');
    expect(roleAt(p, 'sit_b')).toBe('viewer');
  });
  it('the overall role is the every-site grant, else the best site grant', () => {
    expect(overallRole({ '*': 'viewer', sit_a: 'manager' })).toBe('viewer');
    expect(overallRole({ sit_a: 'operator', sit_b: 'manager' })).toBe('manager');
    expect(overallRole({})).toBeUndefined();
  });
  it('only a caller with one role everywhere skips the site check', () => {
    expect(actsEverywhereAlike({ role: 'admin', sites: { '*': 'admin' } })).toBe(true);
    expect(actsEverywhereAlike({ role: 'manager', sites: { sit_a: 'manager' } })).toBe(false);
    expect(actsEverywhereAlike({ role: 'viewer', sites: { '*': 'viewer', sit_a: 'manager' } })).toBe(false);
  });
});
