import { describe, expect, it } from 'vitest';
import { signPrincipal, verifyPrincipal } from './forwarded-principal.ts';

const secret = 'a-test-secret-of-at-least-32-characters';
const picker = { id: 'key_1', name: 'scanner 7', role: 'operator' as const };

describe('the principal the gateway forwards', () => {
  it('is accepted as signed, within its minute', () => {
    const now = 1_700_000_000_000;
    expect(verifyPrincipal(signPrincipal(picker, secret, now), secret, now + 30_000)).toEqual(picker);
  });
  it('is refused when stale, from the future, signed with another secret or tampered with', () => {
    const now = 1_700_000_000_000;
    const header = signPrincipal(picker, secret, now);
    expect(verifyPrincipal(header, secret, now + 61_000)).toBeUndefined();
    expect(verifyPrincipal(header, secret, now - 61_000)).toBeUndefined();
    expect(verifyPrincipal(header, `${secret}x`, now)).toBeUndefined();
    const [, issued, sig] = header.split('.');
    const admin = Buffer.from(JSON.stringify({ ...picker, role: 'admin' })).toString('base64url');
    expect(verifyPrincipal(`${admin}.${issued}.${sig}`, secret, now)).toBeUndefined();
  });
  it('never throws on garbage', () => {
    for (const junk of ['', '.', 'a.b.c', 'a.b.c.d', '%%%.1.x', `${Buffer.from('null').toString('base64url')}.1.x`]) {
      expect(verifyPrincipal(junk, secret)).toBeUndefined();
    }
  });
});
