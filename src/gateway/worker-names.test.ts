/**
 * The gateway writes a forwarded floor command's worker id typed in another case as the person's (ADR 0019, addendum
 * 2026-12-07): only a key's JSON body, only the fields its operation declares, only a case-only difference.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../platform/http/auth.ts';
import { knownWorkerNames, withKnownWorkers, workerFieldsOf } from './gateway.ts';

const key = { kind: 'key' } as Principal;
const person = { kind: 'user' } as Principal;
const users = async (typed: string): Promise<string | undefined> => (typed.toLowerCase() === 'anna' ? 'Anna' : undefined);
const json = { 'content-type': 'application/json' };
const send = (body: unknown, principal: Principal = key, headers: Record<string, string> = json) =>
  withKnownWorkers({ principal, method: 'POST', headers }, Buffer.from(JSON.stringify(body)), ['workerId', 'inspector'], users).then((b) => b.toString('utf8'));

describe('withKnownWorkers', () => {
  it('a key\'s workerId and inspector typed in another case are the person\'s; the rest of the body is kept', async () => {
    expect(JSON.parse(await send({ workerId: 'ANNA', siteId: 'S1' }))).toEqual({ workerId: 'Anna', siteId: 'S1' });
    expect(JSON.parse(await send({ inspector: 'anna' }))).toEqual({ inspector: 'Anna' });
  });

  it('keeps the bytes as sent otherwise: same case, an unknown id, a signed-in person, not JSON, not an object', async () => {
    const raw = '{ "workerId": "Anna" }';
    expect((await withKnownWorkers({ principal: key, method: 'POST', headers: json }, Buffer.from(raw), ['workerId'], users)).toString()).toBe(raw);
    const unknown = '{"workerId":"BOB"}';
    expect((await withKnownWorkers({ principal: key, method: 'POST', headers: json }, Buffer.from(unknown), ['workerId'], users)).toString()).toBe(unknown);
    expect(await send({ workerId: 'ANNA' }, person)).toBe('{"workerId":"ANNA"}');
    expect(await send({ workerId: 'ANNA' }, key, { 'content-type': 'text/csv' })).toBe('{"workerId":"ANNA"}');
    expect(await send(['ANNA'])).toBe('["ANNA"]');
    const broken = '{"workerId":"ANNA"';
    expect((await withKnownWorkers({ principal: key, method: 'POST', headers: json }, Buffer.from(broken), ['workerId'], users)).toString()).toBe(broken);
    expect((await withKnownWorkers({ principal: key, method: 'POST', headers: json }, Buffer.from('{"workerId":"ANNA"}'), [], users)).toString()).toBe('{"workerId":"ANNA"}');
  });
});

describe('workerFieldsOf', () => {
  it('reads the worker fields of an operation\'s JSON body, inline or by reference', () => {
    const inline = { requestBody: { content: { 'application/json': { schema: { properties: { workerId: {}, siteId: {} } } } } } };
    expect(workerFieldsOf(inline, {})).toEqual(['workerId']);
    const byRef = { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Inspect' } } } } };
    expect(workerFieldsOf(byRef, { Inspect: { properties: { inspector: {} } } })).toEqual(['inspector']);
    expect(workerFieldsOf({}, {})).toEqual([]);
  });
});

describe('knownWorkerNames', () => {
  it('asks once a minute per case-folded id', async () => {
    const asked: string[] = [];
    const known = knownWorkerNames(async (typed) => {
      asked.push(typed);
      return users(typed);
    });
    expect([await known('ANNA'), await known('anna'), await known('Bob'), await known('BOB')]).toEqual(['Anna', 'Anna', undefined, undefined]);
    expect(asked).toEqual(['ANNA', 'Bob']);
  });
});
