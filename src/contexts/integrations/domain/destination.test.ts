import { describe, expect, it } from 'vitest';
import { DestinationRefused, guardedLookup, refusedAddress, urlProblem } from './destination.ts';

const open = { allowPrivate: true };
const closed = { allowPrivate: false };

describe('webhook destinations (SSRF guard)', () => {
  it('never sends to link-local or unspecified addresses, in any spelling', () => {
    for (const ip of ['169.254.169.254', '169.254.0.1', '0.0.0.0', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe']) {
      expect(refusedAddress(ip, open), ip).toContain('never a webhook receiver');
    }
  });

  it('refuses loopback and private networks only when told to; public addresses always pass', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.10', '100.64.0.1', '::1', 'fd12:3456::1', '::ffff:7f00:1']) {
      expect(refusedAddress(ip, open), ip).toBeUndefined();
      expect(refusedAddress(ip, closed), ip).toContain('PAKLOG_WEBHOOK_ALLOW_PRIVATE=false');
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888']) expect(refusedAddress(ip, closed), ip).toBeUndefined();
  });

  it('judges a URL: http(s) only, no credentials, no refused literal address', () => {
    expect(urlProblem('https://erp.example.com/hooks', closed)).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:9300/paklog', open)).toBeUndefined();
    expect(urlProblem('ftp://erp.example.com/hooks', open)).toBe('must be an http or https URL');
    expect(urlProblem('not a url', open)).toBe('must be an http or https URL');
    expect(urlProblem('https://user:secret@erp.example.com/hooks', open)).toContain('must not carry credentials');
    expect(urlProblem('http://169.254.169.254/latest/meta-data/', open)).toContain('never a webhook receiver');
    expect(urlProblem('http://[::ffff:169.254.169.254]/latest/meta-data/', open)).toContain('never a webhook receiver');
    expect(urlProblem('http://[::1]:8080/', closed)).toContain('loopback or private');
  });

  it('refuses the connection when the name resolves to a refused address (checked where it connects)', async () => {
    const resolve = (policy: { allowPrivate: boolean }) => new Promise<{ err: Error | null; address: string }>((done) => {
      guardedLookup(policy)('localhost', { family: 4 }, (err, address) => done({ err, address: typeof address === 'string' ? address : JSON.stringify(address) }));
    });
    const refused = await resolve(closed);
    expect(refused.err).toBeInstanceOf(DestinationRefused);
    expect(refused.err?.message).toContain('127.0.0.1');
    expect(await resolve(open)).toEqual({ err: null, address: '127.0.0.1' });
  });
});
