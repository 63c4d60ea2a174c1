import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultDbPoolSize, loadConfig } from './config.ts';

describe('config', () => {
  it('has working defaults for the all-in-one quick start', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, databaseUrl: undefined, contexts: 'all', seedDemo: true, logLevel: 'info' });
  });

  it('keeps the embedded data in the project\'s folder whichever subfolder a command runs in (it made a new, empty database there)', () => {
    const project = mkdtempSync(join(tmpdir(), 'paklog-project-'));
    try {
      writeFileSync(join(project, 'package.json'), '{}');
      mkdirSync(join(project, 'docs', 'operations'), { recursive: true });
      for (const cwd of [project, join(project, 'docs'), join(project, 'docs', 'operations')]) {
        expect(loadConfig({}, false, cwd).dataDir, cwd).toBe(join(project, 'data'));
      }
      // PAKLOG_DATA_DIR still decides.
      expect(loadConfig({ PAKLOG_DATA_DIR: '/srv/paklog' }, false, join(project, 'docs')).dataDir).toBe('/srv/paklog');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('sizes the database pool by the cores: 3 per core, 6 to 20, unless PAKLOG_DB_POOL_SIZE says', () => {
    expect([1, 2, 3, 4, 8, 16].map(defaultDbPoolSize)).toEqual([6, 6, 9, 12, 20, 20]);
    expect(loadConfig({}).dbPoolSize).toBe(defaultDbPoolSize(availableParallelism()));
    expect(loadConfig({ PAKLOG_DB_POOL_SIZE: '20' }).dbPoolSize).toBe(20);
  });

  it('reads and types every variable', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h:5432/db', PAKLOG_CONTEXTS: 'inventory, orders', PAKLOG_SEED_DEMO: 'false', LOG_LEVEL: 'debug' });
    expect(c).toMatchObject({ port: 9000, databaseUrl: 'postgres://u@h:5432/db', contexts: ['inventory', 'orders'], seedDemo: false, logLevel: 'debug' });
  });

  it('reads the HTTP limits against slow clients, with defaults', () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 60_000, maxConnections: 1_000 });
    const c = loadConfig({
      PAKLOG_HTTP_REQUEST_TIMEOUT_MS: '500', PAKLOG_HTTP_HEADERS_TIMEOUT_MS: '200', PAKLOG_HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
      PAKLOG_HTTP_IDLE_TIMEOUT_MS: '400', PAKLOG_HTTP_MAX_CONNECTIONS: '7',
    });
    expect(c.http).toEqual({ requestTimeoutMs: 500, headersTimeoutMs: 200, keepAliveTimeoutMs: 300, idleTimeoutMs: 400, maxConnections: 7 });
    expect(() => loadConfig({ PAKLOG_HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/PAKLOG_HTTP_REQUEST_TIMEOUT_MS/);
  });

  it('reads the carrier-call settings of ADR 0056 (lease, grace, attempts), with defaults, and refuses bad ones naming them', () => {
    expect(loadConfig({}).carrierCalls).toEqual({ leaseMs: 30_000, graceMs: 60_000, attempts: 5 });
    expect(loadConfig({ PAKLOG_CARRIER_CALL_LEASE_S: '90', PAKLOG_CARRIER_CALL_GRACE_S: '0', PAKLOG_CARRIER_CALL_ATTEMPTS: '2' }).carrierCalls)
      .toEqual({ leaseMs: 90_000, graceMs: 0, attempts: 2 });
    try {
      loadConfig({ PAKLOG_CARRIER_CALL_LEASE_S: '0', PAKLOG_CARRIER_CALL_GRACE_S: 'soon', PAKLOG_CARRIER_CALL_ATTEMPTS: '0' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([
        'PAKLOG_CARRIER_CALL_LEASE_S must be an integer between 1 and 3600, got "0"',
        'PAKLOG_CARRIER_CALL_GRACE_S must be an integer between 0 and 86400, got "soon"',
        'PAKLOG_CARRIER_CALL_ATTEMPTS must be an integer between 1 and 100, got "0"',
      ]);
    }
  });

  it('reads PAKLOG_BUS_ACK_WAIT_MS, the NATS durables\' ack_wait: 30 s by default, 1 s to an hour', () => {
    expect(loadConfig({}).busAckWaitMs).toBe(30_000);
    expect(loadConfig({ PAKLOG_BUS_ACK_WAIT_MS: '10000' }).busAckWaitMs).toBe(10_000);
    expect(() => loadConfig({ PAKLOG_BUS_ACK_WAIT_MS: '999' })).toThrow('PAKLOG_BUS_ACK_WAIT_MS must be an integer between 1000 and 3600000, got "999"');
  });

  it('reads PAKLOG_TRUST_PROXY (ADR 0018): off by default, true, or proxy addresses and CIDRs (not hops); refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PAKLOG_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ PAKLOG_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ PAKLOG_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,fd00::/8' }).trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16', 'fd00::/8']);
    for (const bad of ['2', 'yes', '10.0.0.1/40', 'proxy.local']) {
      expect(() => loadConfig({ PAKLOG_TRUST_PROXY: bad })).toThrow(/PAKLOG_TRUST_PROXY/);
    }
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

  it('serves the public gRPC API on 50051 by default; 0 lets the OS choose, off turns it off, a clash is refused', () => {
    expect(loadConfig({}).grpcPort).toBe(50051);
    expect(loadConfig({ PAKLOG_GRPC_PORT: '0' }).grpcPort).toBe(0);
    expect(loadConfig({ PAKLOG_GRPC_PORT: 'OFF' }).grpcPort).toBeUndefined();
    expect(() => loadConfig({ PAKLOG_GRPC_PORT: 'on' })).toThrow(/PAKLOG_GRPC_PORT must be an integer/);
    expect(() => loadConfig({ PORT: '9000', PAKLOG_GRPC_PORT: '9000' })).toThrow(/PAKLOG_GRPC_PORT must differ from PORT/);
  });

  it('logs JSON unless on a terminal; PAKLOG_LOG_FORMAT chooses either way', () => {
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(loadConfig({}, true).logFormat).toBe('pretty');
    expect(loadConfig({ PAKLOG_LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadConfig({ PAKLOG_LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
    expect(loadConfig({ PAKLOG_LOG_FORMAT: 'ecs' }, true).logFormat).toBe('ecs');
    expect(() => loadConfig({ PAKLOG_LOG_FORMAT: 'xml' })).toThrow(/PAKLOG_LOG_FORMAT must be json, ecs or pretty/);
  });
});
