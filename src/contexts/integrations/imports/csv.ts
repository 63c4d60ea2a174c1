import { parse } from 'csv-parse/sync';
import { isDay } from '../../../platform/days.ts';
import { isText, TEXT_MESSAGE } from '../../../platform/text.ts';

/** A row error of an import, as the file shows it: its line number (the header is line 1), the column, why. */
export interface RowError {
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

export interface CsvRecord {
  /** The line the record starts on (header = 1). */
  readonly row: number;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * A CSV file (RFC 4180: commas, double quotes, a header line naming the columns) as records; a UTF-8 BOM is dropped,
 * values are trimmed, blank lines skipped. A file that cannot be read as CSV (not UTF-8, an unclosed quote, a record
 * with more fields than the header) is one error naming its line.
 */
export function readCsv(text: string, required: readonly string[], known: readonly string[]): { records: CsvRecord[]; errors: RowError[] } {
  // Bytes that are not UTF-8 were decoded as U+FFFD: read on, a Windows-1252 "Café" would be stored as "Caf�" and a
  // binary file reported as a header of control characters.
  const nul = text.indexOf('\u0000');
  const replaced = text.indexOf('\uFFFD');
  const bad = nul === -1 ? replaced : replaced === -1 ? nul : Math.min(nul, replaced);
  if (bad !== -1) {
    const line = text.slice(0, bad).split('\n').length;
    return { records: [], errors: [{ row: line, column: '', message: 'not UTF-8 text (a binary file, or another encoding such as Windows-1252 or UTF-16): save it as CSV UTF-8' }] };
  }
  let parsed: { record: Record<string, string>; raw: string }[];
  // A column named twice would be read as one, the other value lost: an error, as an unknown column is.
  const twice = new Set<string>();
  // The header as the file writes it: a first record with fewer fields (relaxed below) has no key for the columns it
  // leaves out, and read from it the header "had no" the columns that record left empty.
  let named: string[] | undefined;
  const columns = (names: string[]): string[] => {
    names.forEach((n, i) => { if (names.indexOf(n) !== i) twice.add(n); });
    named = names;
    return names;
  };
  try {
    parsed = parse<{ record: Record<string, string>; raw: string }>(text, { columns, bom: true, trim: true, skip_empty_lines: true, raw: true, relax_column_count_less: true });
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { records: [], errors: [{ row: line, column: '', message: `not readable as CSV: ${(e as Error).message}` }] };
  }
  const header = named ?? headerOf(text);
  const errors: RowError[] = [];
  for (const c of required) if (!header.includes(c)) errors.push({ row: 1, column: c, message: `the header has no ${c} column` });
  for (const c of header) if (!known.includes(c)) errors.push({ row: 1, column: c, message: `unknown column (columns: ${known.join(', ')})` });
  for (const c of twice) errors.push({ row: 1, column: c, message: 'the header names this column more than once' });
  if (errors.length > 0) return { records: [], errors };
  // Each record's raw text (the blank lines before it, the record, its line break) follows the previous one's: its row
  // is counted here, past those blank lines. csv-parse's own count (info.lines) was read before: it counts a CRLF inside
  // quotes as two lines, and the row after blank lines was named as if they were not there (edge9).
  let previousEnd = headerLine(text);
  const records = parsed.map(({ record, raw }) => {
    const blank = BLANK_LINES.exec(raw)?.[0] ?? '';
    const row = previousEnd + 1 + lineBreaks(blank);
    const body = raw.slice(blank.length).replace(/(?:\r\n|\r|\n)$/, '');
    previousEnd = row + lineBreaks(body);
    return { row, values: record };
  });
  return { records, errors };
}

/** Blank (or white-space-only) lines at the start of a text, which csv-parse skips. */
const BLANK_LINES = /^(?:[ \t]*(?:\r\n|\r|\n))*/;
const lineBreaks = (s: string): number => s.match(/\r\n|\r|\n/g)?.length ?? 0;
/** The line of the header: the first that is not blank. */
const headerLine = (text: string): number => 1 + lineBreaks(BLANK_LINES.exec(text.replace(/^\uFEFF/, ''))?.[0] ?? '');

function headerOf(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first === '' ? [] : first.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
}

/** A column's value read as a type, or the error for its row. */
export class RowReader {
  readonly errors: RowError[] = [];
  constructor(private readonly rec: CsvRecord) {}

  private fail(column: string, message: string): undefined {
    this.errors.push({ row: this.rec.row, column, message });
    return undefined;
  }

  text(column: string, o: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.rec.values[column] ?? '';
    if (v === '') return o.required === true ? this.fail(column, 'is required') : undefined;
    if (o.max !== undefined && v.length > o.max) return this.fail(column, `is longer than ${o.max} characters`);
    // What the REST schemas refuse in text and identifiers (ADR 0007, 2026-12-06): a quoted value may hold a line
    // break, a tab, an escape or a bidi override, which would reach the database, then labels, EDI and exports.
    if (!isText(v)) return this.fail(column, TEXT_MESSAGE);
    return v;
  }

  int(column: string, o: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.rec.values[column] ?? '';
    if (v === '') return o.required === true ? this.fail(column, 'is required') : undefined;
    if (!/^-?[0-9]+$/.test(v)) return this.fail(column, `must be a whole number, not "${v}"`);
    const n = Number(v);
    if (o.min !== undefined && n < o.min) return this.fail(column, `must be at least ${o.min}`);
    if (o.max !== undefined && n > o.max) return this.fail(column, `must be at most ${o.max}`);
    return n;
  }

  num(column: string, o: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.rec.values[column] ?? '';
    if (v === '') return o.required === true ? this.fail(column, 'is required') : undefined;
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(v)) return this.fail(column, `must be a number, not "${v}"`);
    const n = Number(v);
    if (o.min !== undefined && n < o.min) return this.fail(column, `must be at least ${o.min}`);
    if (o.max !== undefined && n > o.max) return this.fail(column, `must be at most ${o.max}`);
    return n;
  }

  /** A value of a closed list (upper-cased), or the error listing them. */
  oneOf<T extends string>(column: string, values: readonly T[], fallback?: T): T | undefined {
    const v = (this.rec.values[column] ?? '').toUpperCase();
    if (v === '') return fallback ?? this.fail(column, 'is required');
    return (values as readonly string[]).includes(v) ? v as T : this.fail(column, `must be one of ${values.join(', ')}, not "${v}"`);
  }

  /** An ISO date (YYYY-MM-DD). */
  date(column: string): string | undefined {
    const v = this.rec.values[column] ?? '';
    if (v === '') return undefined;
    return isDay(v) ? v : this.fail(column, `must be a day YYYY-MM-DD of the years 1970 to 9999, not "${v}"`);
  }

  bool(column: string): boolean | undefined {
    const v = (this.rec.values[column] ?? '').toLowerCase();
    if (v === '' || v === 'false' || v === '0' || v === 'no' || v === 'n') return false;
    if (v === 'true' || v === '1' || v === 'yes' || v === 'y') return true;
    return this.fail(column, `must be true or false, not "${v}"`);
  }
}
