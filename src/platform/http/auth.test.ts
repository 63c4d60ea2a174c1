import { describe, expect, it } from 'vitest';
import { registerErrors } from '../errors.ts';
import { authorize, credentialsFrom } from './auth.ts';
import type { Principal } from './roles.ts';

registerErrors({});
const ana: Principal = { kind: 'user', id: 'usr_1', name: 'Ana', role: 'manager', sites: { sit_a: 'manager', sit_b: 'viewer' }, workerId: 'ana' };
const code = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('authorize (for GraphQL and gRPC)', () => {
  it('checks the role at the site the operation is about', () => {
    expect(code(() => authorize(ana, ['admin', 'manager'], 'sit_a'))).toBeUndefined();
    expect(code(() => authorize(ana, ['admin', 'manager'], 'sit_b'))).toBe('FORBIDDEN_AT_SITE');
    expect(code(() => authorize(ana, ['admin', 'manager'], 'sit_c'))).toBe('FORBIDDEN_AT_SITE');
    expect(code(() => authorize(ana, ['admin']))).toBe('FORBIDDEN');
    expect(code(() => authorize(ana, ['manager']))).toBeUndefined();
  });
});

describe('credentials from headers', () => {
  it('reads X-Api-Key and Authorization: Bearer', () => {
    expect(credentialsFrom({ 'x-api-key': 'pk_1' })).toEqual({ apiKey: 'pk_1', bearer: undefined, malformedAuthorization: false });
    expect(credentialsFrom({ authorization: 'Bearer a.b.c' })).toEqual({ apiKey: undefined, bearer: 'a.b.c', malformedAuthorization: false });
    // An Authorization that is no bearer credential is presented all the same: refused, never ignored.
    expect(credentialsFrom({ authorization: 'Basic abc' })).toEqual({ apiKey: undefined, bearer: undefined, malformedAuthorization: true });
    expect(credentialsFrom({ 'x-api-key': 'pk_1', authorization: 'Bearer' })).toEqual({ apiKey: 'pk_1', bearer: undefined, malformedAuthorization: true });
  });
});
