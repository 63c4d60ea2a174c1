import type { DestinationStream } from 'pino';

const LEVEL_COLOURS: Readonly<Record<string, number>> = { trace: 90, debug: 36, info: 32, warn: 33, error: 31, fatal: 35 };
// Fields every entry carries, or that the line shows in its own place.
const SHOWN = new Set(['@timestamp', 'time', 'log.level', 'message', 'process.pid', 'host.hostname', 'service.name', 'req', 'res', 'responseTime', 'err', 'reqId']);

/**
 * Turns the JSON entries of {@link loggerOptions} into one line each for a person:
 * `12:03:04.567 INFO  request completed GET /api/v1/orders → 201 (4.2 ms) reqId=… key=value`, errors with their stack.
 * Small on purpose: the JSON format stays what machines read.
 */
export function formatEntry(line: string, colour: boolean): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const paint = (code: number, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const text = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const level = text(e['log.level'] ?? 'info');
  const time = typeof e.time === 'string' ? e.time.slice(11, 23) : '';
  const parts = [paint(90, time), paint(LEVEL_COLOURS[level] ?? 0, level.toUpperCase().padEnd(5)), text(e.message)];
  const req = e.req as { method?: string; url?: string } | undefined;
  if (req?.method !== undefined) parts.push(`${req.method} ${req.url ?? ''}`);
  const res = e.res as { statusCode?: number } | undefined;
  if (res?.statusCode !== undefined) parts.push(`→ ${res.statusCode}`);
  if (typeof e.responseTime === 'number') parts.push(`(${e.responseTime.toFixed(1)} ms)`);
  if (e.reqId !== undefined) parts.push(paint(90, `reqId=${text(e.reqId)}`));
  for (const [k, v] of Object.entries(e)) {
    if (!SHOWN.has(k)) parts.push(`${k}=${text(v)}`);
  }
  let out = parts.filter((p) => p !== '').join(' ');
  const err = e.err as { stack?: string; message?: string } | undefined;
  if (err !== undefined) out += `\n${err.stack ?? err.message ?? JSON.stringify(err)}`;
  return `${out}\n`;
}

/** A pino destination that writes {@link formatEntry} lines to `target` (coloured when it is a terminal). */
export function prettyStream(target: DestinationStream & { isTTY?: boolean }): DestinationStream {
  const colour = target.isTTY === true && process.env.NO_COLOR === undefined;
  return { write: (chunk: string) => target.write(formatEntry(chunk, colour)) };
}
