import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileDropErp, outboxFileName, STALE_TEMP_MS, writeAtomically, type WriteIo } from './file-drop.ts';

describe('outboxFileName', () => {
  it('is the idempotency key with what a file name cannot hold as `_`, as erp.md shows a snapshot\'s', () => {
    const guide = readFileSync(resolve(import.meta.dirname, '../../../../docs/integrations/erp.md'), 'utf8');
    const example = /a snapshot's `…([^`]+)` becomes\s+`…([^`]+)`/.exec(guide);
    expect(example, 'erp.md shows how a snapshot\'s key becomes its file name').not.toBeNull();
    const key = `inventory-snapshot.sit_01a2.${example![1]!}`;
    expect(outboxFileName(key)).toBe(`inventory-snapshot.sit_01a2.${example![2]!}`);
    expect(outboxFileName('shipment-confirmation.shp_01a2')).toBe('shipment-confirmation.shp_01a2.json');
  });
});

const message = (key: string) => ({
  id: `pmg_${key}`, kind: 'SHIPMENT_CONFIRMATION' as const, idempotencyKey: key,
  document: { type: 'shipment-confirmation', messageId: `pmg_${key}`, idempotencyKey: key, createdAt: '2026-12-06T12:00:00.000Z', data: { shipmentId: key } },
});

describe('the file-drop outbox', () => {
  it('writes durably: the temp file fsynced, renamed into place, then the outbox folder fsynced (a power cut after the send keeps the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paklog-file-drop-'));
    const outbox = join(dir, 'outbox');
    mkdirSync(outbox);
    // Every file opened and fsynced, and every rename, in order.
    const log: string[] = [];
    const io: WriteIo = {
      open: (async (path: string, flags: string) => {
        const fh = await open(path, flags);
        log.push(`open ${path}`);
        const sync = fh.sync.bind(fh);
        fh.sync = async () => {
          await sync();
          log.push(`sync ${path}`);
        };
        return fh;
      }) as WriteIo['open'],
      rename: async (from, to) => {
        await rename(from, to);
        log.push(`rename ${String(to)}`);
      },
    };
    await writeAtomically(outbox, 'shipment-confirmation.shp_durable.json', '{}\n', io);
    const file = join(outbox, 'shipment-confirmation.shp_durable.json');
    expect(readFileSync(file, 'utf8')).toBe('{}\n');
    const steps = log.map((l) => l.replace(/\/\.shipment-confirmation\.shp_durable\.json\.\d+\.\d+\.tmp$/, '/<tmp>'));
    expect(steps).toEqual([`open ${outbox}/<tmp>`, `sync ${outbox}/<tmp>`, `rename ${file}`, `open ${outbox}`, `sync ${outbox}`]);
    // The send writes so.
    await fileDropErp(dir).send(message('shipment-confirmation.shp_sent'));
    expect(JSON.parse(readFileSync(join(outbox, 'shipment-confirmation.shp_sent.json'), 'utf8'))).toMatchObject({ idempotencyKey: 'shipment-confirmation.shp_sent' });
  });

  it('removes, at its first use after a start, the temp files a process killed mid-write left in outbox/ and error/ (none of a live write); the message is written whole again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paklog-file-drop-'));
    for (const f of ['outbox', 'error']) mkdirSync(join(dir, f));
    const now = Date.now();
    const stale = join(dir, 'outbox', `.shipment-confirmation.shp_killed.json.4242.${now - 10 * STALE_TEMP_MS}.tmp`);
    const staleError = join(dir, 'error', `.asns-1.json.errors.json.4242.${now - 10 * STALE_TEMP_MS}.tmp`);
    const live = join(dir, 'outbox', `.shipment-confirmation.shp_other.json.4243.${now}.tmp`);
    for (const p of [stale, staleError, live]) writeFileSync(p, '{ "type": "shipm');
    const old = (now - 10 * STALE_TEMP_MS) / 1000;
    utimesSync(stale, old, old);
    utimesSync(staleError, old, old);
    // A file someone named with a dot and left there is not ours: kept.
    writeFileSync(join(dir, 'outbox', '.keep'), '');

    const erp = fileDropErp(dir, () => now);
    await erp.send(message('shipment-confirmation.shp_killed'));
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(staleError)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(join(dir, 'outbox')).sort()).toEqual(['.keep', live.slice(join(dir, 'outbox').length + 1), 'shipment-confirmation.shp_killed.json'].sort());
    expect(JSON.parse(readFileSync(join(dir, 'outbox', 'shipment-confirmation.shp_killed.json'), 'utf8')).data).toEqual({ shipmentId: 'shipment-confirmation.shp_killed' });
  });

  it('removes one left by a process that restarted at once when it has gone stale, within a minute of that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paklog-file-drop-'));
    mkdirSync(join(dir, 'outbox'));
    let now = Date.now();
    const left = join(dir, 'outbox', `.shipment-confirmation.shp_quick.json.1.${now}.tmp`);
    writeFileSync(left, '{');
    const erp = fileDropErp(dir, () => now);
    await erp.send(message('a'));
    expect(existsSync(left)).toBe(true);
    now += STALE_TEMP_MS + 1;
    await erp.send(message('b'));
    expect(existsSync(left)).toBe(false);
  });
});
