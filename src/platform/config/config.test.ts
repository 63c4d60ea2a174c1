import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('has working defaults for the all-in-one quick start', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, databaseUrl: undefined, contexts: 'all', seedDemo: true, logLevel: 'info' });
  });

  it('reads and types every variable', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h:5432/db', PAKLOG_CONTEXTS: 'inventory, orders', PAKLOG_SEED_DEMO: 'false', LOG_LEVEL: 'debug' });
    expect(c).toMatchObject({ port: 9000, databaseUrl: 'postgres://u@h:5432/db', contexts: ['inventory', 'orders'], seedDemo: false, logLevel: 'debug' });
  });

  it('names every bad value at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', PAKLOG_ADMIN_API_KEY: 'short', PAKLOG_SEED_DEMO: 'maybe' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'PAKLOG_ADMIN_API_KEY', 'PAKLOG_SEED_DEMO']) expect(problems).toContain(name);
    }
  });

  it('logs JSON unless on a terminal; PAKLOG_LOG_FORMAT chooses either way', () => {
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(loadConfig({}, true).logFormat).toBe('pretty');
    expect(loadConfig({ PAKLOG_LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadConfig({ PAKLOG_LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
    expect(() => loadConfig({ PAKLOG_LOG_FORMAT: 'xml' })).toThrow(/PAKLOG_LOG_FORMAT must be json or pretty/);
  });
});
