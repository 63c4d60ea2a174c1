import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { principalSigner, principalVerifier, signPrincipal, verifyPrincipal } from './forwarded-principal.ts';

const secret = 'a-test-secret-of-at-least-32-characters';
const picker = { kind: 'key' as const, id: 'key_1', name: 'scanner 7', role: 'operator' as const, sites: { '*': 'operator' as const } };
const person = {
  kind: 'user' as const, id: 'usr_1', name: 'Ana', role: 'manager' as const, sites: { sit_a: 'manager' as const, sit_b: 'viewer' as const }, workerId: 'ana',
};

describe('the principal the gateway forwards', () => {
  it('is accepted as signed, within its minute', () => {
    const now = 1_700_000_000_000;
    expect(verifyPrincipal(signPrincipal(picker, secret, now), secret, now + 30_000)).toEqual(picker);
  });
  it('carries a person\'s kind, per-site roles and worker id', () => {
    const now = 1_700_000_000_000;
    expect(verifyPrincipal(signPrincipal(person, secret, now), secret, now)).toEqual(person);
  });
  it('of an older gateway (no kind, no sites) is a key acting at every site', () => {
    const now = 1_700_000_000_000;
    const body = Buffer.from(JSON.stringify({ id: 'key_1', name: 'scanner 7', role: 'operator' })).toString('base64url');
    const mac = createHmac('sha256', secret).update(`${body}.${now}`).digest('base64url');
    expect(verifyPrincipal(`${body}.${now}.${mac}`, secret, now)).toEqual(picker);
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

  it('is signed once per principal every 10 s by the gateway, and checked for age on every use by a service', () => {
    const now = 1_700_000_000_000;
    const sign = principalSigner(secret);
    const first = sign(picker, now);
    expect(sign({ ...picker }, now + 9_000)).toBe(first);
    expect(sign(person, now + 9_000)).not.toBe(first);
    const renewed = sign(picker, now + 10_000);
    expect(renewed).not.toBe(first);
    const verify = principalVerifier(secret);
    expect(verify(first, now)).toEqual(picker);
    // Known by its text now, but still refused once stale, and a tampered copy is checked in full.
    expect(verify(first, now + 59_000)).toEqual(picker);
    expect(verify(first, now + 61_000)).toBeUndefined();
    expect(verify(renewed, now + 61_000)).toEqual(picker);
    const [, issued, sig] = first.split('.');
    const admin = Buffer.from(JSON.stringify({ ...picker, role: 'admin' })).toString('base64url');
    expect(verify(`${admin}.${issued}.${sig}`, now)).toBeUndefined();
    expect(principalVerifier(`${secret}x`)(first, now)).toBeUndefined();
  });
});
