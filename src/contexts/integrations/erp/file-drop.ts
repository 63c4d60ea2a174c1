import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PartnerUnavailable, type ErpPort, type InboundFile, type InboundOutcome } from '../ports/port.ts';

/** The folders of a file-drop exchange, under PAKLOG_ERP_DIR. */
export const FILE_DROP_FOLDERS = ['inbox', 'outbox', 'processed', 'error'] as const;

/** A file name made of a message's idempotency key: the same message is always the same file. */
export const outboxFileName = (idempotencyKey: string): string => `${idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

const INBOUND = /\.(json|csv)$/i;

/** `name` in `dir`, or `name.<n>` when a file of that name is there already (a file dropped twice keeps both). */
async function freeName(dir: string, name: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = join(dir, n === 0 ? name : `${name}.${n}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/**
 * What names one dropped file across polls and restarts: its name, modification time and content. A file moved out of
 * inbox/ keeps none of it in inbox/; one left there by a process that stopped before moving it is found with the same
 * fingerprint, and the same content dropped again later has another modification time.
 */
function fingerprintOf(name: string, mtimeMs: number, bytes: Buffer): string {
  return createHash('sha256').update(`${name}\0${mtimeMs}\0${bytes.length}\0`).update(bytes).digest('hex');
}

/** How a temp file is named: dot-named (readers skip it), by the writing process and moment. */
const TEMP = /^\..+\.tmp$/;

/**
 * How old a temp file must be before it is taken for stale: left by a process that stopped (killed, the disk full)
 * while writing it. No write of a live process lasts that long; a younger one may be another process's, mid-write.
 */
export const STALE_TEMP_MS = 60_000;

/** The file operations a durable write makes (node:fs/promises'; a test watches them). */
export interface WriteIo {
  readonly open: typeof open;
  readonly rename: typeof rename;
}
const FS_IO: WriteIo = { open, rename };

/** Flushes a folder's entries (a rename into it, an unlink) to disk: without it a power cut may undo the rename. */
async function syncFolder(dir: string, io: WriteIo = FS_IO): Promise<void> {
  const fh = await io.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes a file whole or not at all, and durably: a temp file (dot-named, so readers skip it) written and fsynced, renamed
 * into place, then the folder fsynced, so the file is there after a power cut once this returns.
 */
export async function writeAtomically(dir: string, name: string, text: string, io: WriteIo = FS_IO): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fh = await io.open(tmp, 'w');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await io.rename(tmp, join(dir, name));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncFolder(dir, io);
}

/**
 * Removes the temp files a process that stopped mid-write left in `dir` (older than STALE_TEMP_MS): nothing reads them,
 * and the message they held was never recorded as sent, so it is written again whole. The number removed.
 */
export async function sweepStaleTemps(dir: string, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !TEMP.test(entry.name)) continue;
    const path = join(dir, entry.name);
    try {
      if ((await stat(path)).mtimeMs > now - STALE_TEMP_MS) continue;
      await unlink(path);
      removed++;
    } catch { /* gone meanwhile (another process swept or renamed it) */ }
  }
  if (removed > 0) await syncFolder(dir);
  return removed;
}

/**
 * The file-drop ERP adapter (an SFTP-style folder, docs/integrations/erp.md): outbound messages are written atomically
 * into outbox/ as `<idempotency key>.json`; inbound files (`items*.json|csv`, `asns*.json|csv`) are picked up from
 * inbox/ in name order, each handled whole, then moved to processed/ — or to error/ beside `<name>.errors.json`, the
 * row-level report. Names starting with a dot are skipped both ways (files being written); temp files a process that
 * stopped mid-write left behind are removed once stale (sweepStaleTemps), their message written again by its retry.
 */
export function fileDropErp(dir: string, clock: () => number = Date.now): ErpPort {
  let ready: Promise<void> | undefined;
  let swept = -Infinity;
  const folders = async (): Promise<void> => {
    ready ??= Promise.all(FILE_DROP_FOLDERS.map((f) => mkdir(join(dir, f), { recursive: true }))).then(() => undefined);
    try {
      await ready;
    } catch (e) {
      ready = undefined;
      throw e;
    }
    // Temp files a stopped process left mid-write: swept at the first use after start, then at most once a minute
    // (one left by a process that restarted at once is not stale yet at its start).
    const now = clock();
    if (now - swept >= STALE_TEMP_MS) {
      swept = now;
      for (const f of ['outbox', 'error'] as const) await sweepStaleTemps(join(dir, f), now);
    }
  };
  return {
    kind: 'file-drop',
    async send(message) {
      try {
        await folders();
        await writeAtomically(join(dir, 'outbox'), outboxFileName(message.idempotencyKey), `${JSON.stringify(message.document, null, 2)}\n`);
      } catch (e) {
        throw new PartnerUnavailable('ERP', `cannot write to the outbox: ${(e as Error).message}`);
      }
    },
    async pickUp(handle: (file: InboundFile) => Promise<InboundOutcome>): Promise<number> {
      await folders();
      const names = (await readdir(join(dir, 'inbox'), { withFileTypes: true }))
        .filter((d) => d.isFile() && !d.name.startsWith('.') && INBOUND.test(d.name)).map((d) => d.name).sort();
      // A file that fails (the database away, a fault) stays in the inbox for the next poll; the files after it are
      // still picked up, and the run fails naming it (logged: job integrations.erp-inbox failed).
      const failed: string[] = [];
      for (const name of names) {
        const from = join(dir, 'inbox', name);
        try {
          const [bytes, seen] = await Promise.all([readFile(from), stat(from)]);
          const text = bytes.toString('utf8');
          const outcome = await handle({ name, text, fingerprint: fingerprintOf(name, seen.mtimeMs, bytes) });
          if (outcome.accepted) {
            await rename(from, await freeName(join(dir, 'processed'), name));
          } else {
            const to = await freeName(join(dir, 'error'), name);
            const report = { file: name, kind: outcome.kind, rows: outcome.rows, imported: 0, errors: outcome.errors, summary: outcome.summary };
            await writeAtomically(join(dir, 'error'), `${to.slice(join(dir, 'error').length + 1)}.errors.json`, `${JSON.stringify(report, null, 2)}\n`);
            await rename(from, to);
          }
        } catch (e) {
          failed.push(`${name}: ${(e as Error).message}`);
        }
      }
      if (failed.length > 0) throw new Error(`${failed.length} inbox file(s) not picked up, left in inbox/ for the next poll: ${failed.join('; ')}`);
      return names.length;
    },
  };
}
