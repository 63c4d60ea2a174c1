import { describe, expect, it } from 'vitest';
import { parseMessage } from './rtls-consumer.ts';

const good = JSON.stringify({ x: 1.5, y: 2, zone: 'A', timestamp: '2026-01-01T10:00:00Z' });

describe('reading an RTLS message', () => {
  it('takes site, kind and id from the topic and the report from the JSON payload', () => {
    expect(parseMessage('paklog/DEMO/positions/equipment/FLT-01', good)).toEqual({
      ok: true, site: 'DEMO', kind: 'equipment', id: 'FLT-01', report: { x: 1.5, y: 2, zone: 'A', timestamp: '2026-01-01T10:00:00Z' },
    });
  });

  it('reads the topic\'s site and id and the zone in Unicode NFC, as the HTTP API does: "José" decomposed is José (found by the black-box suite)', () => {
    const parsed = parseMessage('paklog/DEMO/positions/worker/Jose\u0301', JSON.stringify({ x: 1, y: 2, zone: 'Zo\u0301na', timestamp: '2026-01-01T10:00:00Z' }));
    expect(parsed).toMatchObject({ ok: true, id: 'Jos\u00e9', report: { zone: 'Z\u00f3na' } });
  });

  it('refuses, with a reason, a bad topic, an unknown kind, a payload that is not JSON or not a report', () => {
    const reason = (topic: string, payload: string) => { const p = parseMessage(topic, payload); return p.ok ? 'ok' : p.reason; };
    expect(reason('paklog/DEMO/positions/equipment', good)).toBe('malformed_topic');
    expect(reason('paklog/DEMO/positions/equipment/a/b', good)).toBe('malformed_topic');
    expect(reason('other/DEMO/positions/equipment/x', good)).toBe('malformed_topic');
    expect(reason('paklog/DEMO/positions/drone/x', good)).toBe('unknown_kind');
    expect(reason('paklog/DEMO/positions/lpn/x', '{not json')).toBe('malformed_payload');
    expect(reason('paklog/DEMO/positions/lpn/x', JSON.stringify({ x: 1, timestamp: '2026-01-01T10:00:00Z' }))).toBe('malformed_payload');
    expect(reason('paklog/DEMO/positions/lpn/x', JSON.stringify({ x: '1', y: 2, timestamp: '2026-01-01T10:00:00Z' }))).toBe('malformed_payload');
    expect(reason('paklog/DEMO/positions/lpn/x', JSON.stringify({ x: 1, y: 2, timestamp: 'yesterday' }))).toBe('malformed_payload');
    expect(reason('paklog/DEMO/positions/lpn/x', JSON.stringify({ x: 1, y: 2, timestamp: '2026-01-01T10:00:00Z', extra: true }))).toBe('malformed_payload');
    expect(reason('paklog/DEMO/positions/lpn/x', 'null')).toBe('malformed_payload');
  });

  it('refuses a payload naming a member twice, as the HTTP API refuses such a body: not the last x taken silently (found by the bad-input hunt)', () => {
    const p = parseMessage('paklog/DEMO/positions/lpn/x', '{"x":1,"y":2,"x":500,"timestamp":"2026-01-01T10:00:00Z"}');
    expect(p).toEqual({ ok: false, reason: 'malformed_payload', detail: '/x is named twice: an object names each member once' });
    expect(parseMessage('paklog/DEMO/positions/lpn/x', '{"x":1,"y":2,"timestamp":"2026-01-01T10:00:00Z"}').ok).toBe(true);
  });

  it('refuses a seq beyond 2^53 − 1: kept as a double, it would come back as another number (found by the black-box hunt)', () => {
    // As the sender writes it: JSON text, read by JSON.parse.
    const withSeq = (seq: string) => { const p = parseMessage('paklog/DEMO/positions/lpn/x', `{"x":1,"y":2,"timestamp":"2026-01-01T10:00:00Z","seq":${seq}}`); return p.ok ? 'ok' : p.reason; };
    expect(withSeq('9007199254740991')).toBe('ok');
    expect(withSeq('9007199254740993')).toBe('malformed_payload');
    expect(withSeq('1e300')).toBe('malformed_payload');
  });
});
