import { describe, expect, it } from 'vitest';
import { carrierCallProblems, DEFAULT_CARRIER_CALLS } from './service.ts';
import type { CarrierConfig } from './carriers/config.ts';

const rest = (code: string, timeoutMs?: number): CarrierConfig => ({
  kind: 'rest', code, baseUrl: 'https://carrier.example', services: [{ code: 'SAVER', name: 'Saver', transitDays: 3 }], ...(timeoutMs === undefined ? {} : { timeoutMs }),
});

describe('carrier-call settings against the carriers file (ADR 0056)', () => {
  it('accepts a lease longer than every REST carrier\'s timeout (10 s when it sets none)', () => {
    expect(carrierCallProblems(DEFAULT_CARRIER_CALLS, [rest('A'), rest('B', 29_999)])).toEqual([]);
  });

  it('names each REST carrier whose timeout the lease does not outlast, with the way out', () => {
    expect(carrierCallProblems({ ...DEFAULT_CARRIER_CALLS, leaseMs: 10_000 }, [rest('SLOWCO', 60_000), rest('DEFAULTCO'), rest('FASTCO', 500)])).toEqual([
      "PAKLOG_CARRIER_CALL_LEASE_S (10 s) must be longer than carrier SLOWCO's timeoutMs (60000 ms in the carriers file): raise the lease or lower the timeout",
      "PAKLOG_CARRIER_CALL_LEASE_S (10 s) must be longer than carrier DEFAULTCO's timeoutMs (10000 ms in the carriers file): raise the lease or lower the timeout",
    ]);
  });
});
