import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
};

describe('ERP and TMS ports configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({}).partners).toMatchObject({ erp: { kind: 'off' }, tms: { kind: 'off' }, snapshotSites: [], snapshotEveryMs: 0, delivery: { maxAttempts: 50 } });
  });

  it('reads the REST and file-drop adapters', () => {
    const c = loadConfig({
      PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: 'https://erp.example.com/paklog/', PAKLOG_ERP_TOKEN: 't', PAKLOG_TMS: 'rest', PAKLOG_TMS_URL: 'http://tms:9100',
      PAKLOG_TMS_CARRIERS: 'OWN_FLEET, LTLCO', PAKLOG_ERP_SNAPSHOT_SITES: 'DEMO,WEST', PAKLOG_ERP_SNAPSHOT_EVERY_MS: '3600000',
    }).partners;
    expect(c.erp).toEqual({ kind: 'rest', url: 'https://erp.example.com/paklog', token: 't' });
    expect(c.tms).toEqual({ kind: 'rest', url: 'http://tms:9100', token: undefined, carriers: ['OWN_FLEET', 'LTLCO'] });
    expect(c.snapshotSites).toEqual(['DEMO', 'WEST']);
    expect(loadConfig({ PAKLOG_ERP: 'file-drop', PAKLOG_ERP_DIR: '/srv/erp' }).partners.erp).toEqual({ kind: 'file-drop', dir: '/srv/erp', pollMs: 10_000 });
  });

  it('names every bad value', () => {
    expect(problemsOf({ PAKLOG_ERP: 'ftp' })).toEqual(['PAKLOG_ERP must be off, rest or file-drop, got "ftp"']);
    expect(problemsOf({ PAKLOG_ERP: 'rest' })).toEqual(['PAKLOG_ERP=rest needs PAKLOG_ERP_URL (an http or https URL)']);
    expect(problemsOf({ PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: 'ftp://x' })).toEqual(['PAKLOG_ERP_URL must use http: or https:, got "ftp:"']);
    expect(problemsOf({ PAKLOG_ERP: 'file-drop' })[0]).toMatch(/needs PAKLOG_ERP_DIR/);
    expect(problemsOf({ PAKLOG_TMS: 'soap' })).toEqual(['PAKLOG_TMS must be off or rest, got "soap"']);
    expect(problemsOf({ PAKLOG_PARTNER_MAX_ATTEMPTS: '0' })[0]).toMatch(/PAKLOG_PARTNER_MAX_ATTEMPTS must be an integer/);
  });
});
