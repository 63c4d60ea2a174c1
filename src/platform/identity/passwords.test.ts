import { describe, expect, it } from 'vitest';
import { ARGON2ID_PARAMS, hashPassword, needsRehash, passwordWeakness, verifyAgainstDecoy, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('are hashed with argon2id at the documented parameters, salted per hash', async () => {
    const a = await hashPassword('correct horse battery staple');
    expect(a).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2ID_PARAMS.memoryCost},t=${ARGON2ID_PARAMS.timeCost},p=${ARGON2ID_PARAMS.parallelism}\\$`));
    expect(await hashPassword('correct horse battery staple')).not.toBe(a);
    expect(await verifyPassword(a, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(a, 'correct horse battery stapl')).toBe(false);
  });

  it('a malformed stored hash is a mismatch, not an exception', async () => {
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
    expect(await verifyAgainstDecoy('anything')).toBe(false);
  });

  it('weaker hashes are marked for rehashing', () => {
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(true);
    expect(needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(false);
  });
});

describe('a new password', () => {
  it('is refused when blank, short, the username, a few characters repeated, well known, or the current one', () => {
    expect(passwordWeakness('            ')).toBe('must not be blank');
    expect(passwordWeakness('short pw')).toBe('must have at least 12 characters');
    expect(passwordWeakness('ana.lopez-secret', { username: 'Ana.Lopez' })).toBe('must not contain the username');
    expect(passwordWeakness('abababababababab')).toBe('must have at least 4 different characters');
    expect(passwordWeakness('Password1234')).toBe('is a commonly used password');
    expect(passwordWeakness('correct horse battery staple', { current: 'correct horse battery staple' })).toBe('must differ from the current password');
  });

  it('of twelve characters or more that is none of those is accepted', () => {
    expect(passwordWeakness('correct horse battery staple', { username: 'ana', current: 'something else entirely' })).toBeUndefined();
    expect(passwordWeakness('ünïcødé pässwörd')).toBeUndefined();
  });
});
