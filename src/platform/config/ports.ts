import type { SettingName } from './settings.ts';

/**
 * Partner ports of integrations (ADR 0039, docs/integrations/erp.md and tms.md): the ERP adapter and the TMS adapter,
 * both off unless configured, and the delivery job their outbound messages share.
 */
export interface PartnerPortsConfig {
  /** PAKLOG_ERP: `off` (default), `rest` (PAKLOG_ERP_URL) or `file-drop` (PAKLOG_ERP_DIR). */
  readonly erp:
    | { readonly kind: 'off' }
    | { readonly kind: 'rest'; readonly url: string; readonly token: string | undefined }
    | { readonly kind: 'file-drop'; readonly dir: string; readonly pollMs: number };
  /** Sites (ids or codes) whose inventory snapshot is sent every `snapshotEveryMs` (0: on demand only). */
  readonly snapshotSites: readonly string[];
  readonly snapshotEveryMs: number;
  /** PAKLOG_TMS: `off` (default) or `rest` (PAKLOG_TMS_URL). */
  readonly tms: { readonly kind: 'off' } | { readonly kind: 'rest'; readonly url: string; readonly token: string | undefined; readonly carriers: readonly string[] | undefined };
  /** The outbound delivery job: its period, backoff, per-call timeout, and attempts before a message is FAILED. */
  readonly delivery: { readonly tickMs: number; readonly retryBaseMs: number; readonly retryMaxMs: number; readonly timeoutMs: number; readonly maxAttempts: number };
}

/** The environment readers of `loadConfig` (each pushes its problem and answers the fallback). */
export interface EnvReaders {
  readonly str: (name: SettingName) => string | undefined;
  readonly int: (name: SettingName, fallback: number, min: number, max: number) => number;
  readonly url: (name: SettingName, protocols: readonly string[]) => string | undefined;
}

/** Reads PAKLOG_ERP_*, PAKLOG_TMS_* and PAKLOG_PARTNER_* with `loadConfig`'s readers; every bad value is pushed onto `problems`. */
export function readPartnerPorts({ str, int, url }: EnvReaders, problems: string[]): PartnerPortsConfig {
  const httpUrl = (name: SettingName, needed: string): string => {
    const raw = url(name, ['http:', 'https:']);
    if (raw === undefined && str(name) === undefined) problems.push(`${needed} needs ${name} (an http or https URL)`);
    return (raw ?? 'http://invalid').replace(/\/+$/, '');
  };
  const list = (name: SettingName): string[] | undefined => str(name)?.split(',').map((s) => s.trim()).filter((s) => s !== '');

  const erpKind = str('PAKLOG_ERP') ?? 'off';
  let erp: PartnerPortsConfig['erp'] = { kind: 'off' };
  if (erpKind === 'rest') erp = { kind: 'rest', url: httpUrl('PAKLOG_ERP_URL', 'PAKLOG_ERP=rest'), token: str('PAKLOG_ERP_TOKEN') };
  else if (erpKind === 'file-drop') {
    const dir = str('PAKLOG_ERP_DIR');
    if (dir === undefined) problems.push('PAKLOG_ERP=file-drop needs PAKLOG_ERP_DIR (the folder holding inbox/, outbox/, processed/ and error/)');
    erp = { kind: 'file-drop', dir: dir ?? '.', pollMs: int('PAKLOG_ERP_POLL_MS', 10_000, 20, 3_600_000) };
  } else if (erpKind !== 'off') problems.push(`PAKLOG_ERP must be off, rest or file-drop, got "${erpKind}"`);

  const tmsKind = str('PAKLOG_TMS') ?? 'off';
  let tms: PartnerPortsConfig['tms'] = { kind: 'off' };
  if (tmsKind === 'rest') tms = { kind: 'rest', url: httpUrl('PAKLOG_TMS_URL', 'PAKLOG_TMS=rest'), token: str('PAKLOG_TMS_TOKEN'), carriers: list('PAKLOG_TMS_CARRIERS') };
  else if (tmsKind !== 'off') problems.push(`PAKLOG_TMS must be off or rest, got "${tmsKind}"`);

  return {
    erp, tms,
    snapshotSites: list('PAKLOG_ERP_SNAPSHOT_SITES') ?? [],
    snapshotEveryMs: int('PAKLOG_ERP_SNAPSHOT_EVERY_MS', 0, 0, 7 * 86_400_000),
    delivery: {
      tickMs: int('PAKLOG_PARTNER_TICK_MS', 1_000, 20, 60_000),
      retryBaseMs: int('PAKLOG_PARTNER_RETRY_BASE_MS', 1_000, 10, 3_600_000),
      retryMaxMs: int('PAKLOG_PARTNER_RETRY_MAX_MS', 300_000, 10, 86_400_000),
      timeoutMs: int('PAKLOG_PARTNER_TIMEOUT_MS', 10_000, 100, 120_000),
      maxAttempts: int('PAKLOG_PARTNER_MAX_ATTEMPTS', 50, 1, 100_000),
    },
  };
}
