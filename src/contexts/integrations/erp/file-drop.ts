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

/** Writes a file whole or not at all: a temp file (dot-named, so readers skip it) fsynced, then renamed into place. */
async function writeAtomically(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, join(dir, name));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * The file-drop ERP adapter (an SFTP-style folder, docs/integrations/erp.md): outbound messages are written atomically
 * into outbox/ as `<idempotency key>.json`; inbound files (`items*.json|csv`, `asns*.json|csv`) are picked up from
 * inbox/ in name order, each handled whole, then moved to processed/ — or to error/ beside `<name>.errors.json`, the
 * row-level report. Names starting with a dot are skipped both ways (files being written).
 */
export function fileDropErp(dir: string): ErpPort {
  let ready: Promise<void> | undefined;
  const folders = async (): Promise<void> => {
    ready ??= Promise.all(FILE_DROP_FOLDERS.map((f) => mkdir(join(dir, f), { recursive: true }))).then(() => undefined);
    try {
      await ready;
    } catch (e) {
      ready = undefined;
      throw e;
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
