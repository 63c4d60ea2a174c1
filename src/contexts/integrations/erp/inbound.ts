import { IMPORT_COLUMNS } from '../imports/columns.ts';
import { readCsv } from '../imports/csv.ts';
import { duplicateKey, jsonTooDeep, MAX_JSON_DEPTH } from '../../../platform/http/validation.ts';
import type { RowError } from '../ports/port.ts';
import { isDay } from '../../../platform/days.ts';
import { isText, TEXT_MESSAGE } from '../../../platform/text.ts';

/**
 * Inbound ERP documents (docs/integrations/erp.md): the item master (`items`) and ASNs (`asns`), as JSON or CSV, from
 * a file dropped in the inbox or `POST /integrations/erp/inbound/{kind}`. Read and checked whole here; nothing is
 * written until every row holds.
 */
export type InboundKind = 'items' | 'asns';
export type InboundFormat = 'json' | 'csv';

/** The kind of a dropped file, by its name: `items….json|csv`, `asns….json|csv`. */
export function kindOfFile(name: string): { kind: InboundKind; format: InboundFormat } | undefined {
  const m = /^(items|asns)[^/]*\.(json|csv)$/i.exec(name);
  return m === null ? undefined : { kind: m[1]!.toLowerCase() as InboundKind, format: m[2]!.toLowerCase() as InboundFormat };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON pointer of the first string (value or key) in `v` holding a NUL character, which no text column can store. */
function nulAt(v: unknown, path: string): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const at = nulAt(x, `${path}/${i}`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) {
      const at = k.includes('\u0000') ? `${path}/${k}` : nulAt(x, `${path}/${k}`);
      if (at !== undefined) return at;
    }
  }
  return undefined;
}

/** A JSON document's array under `key`, or the error saying why there is none. */
function jsonArray(text: string, key: string): { items: unknown[] } | { error: RowError } {
  // Bytes that are not UTF-8 were decoded as U+FFFD (as for a CSV file): a Windows-1252 "Café" would be stored as "Caf�".
  const replaced = text.indexOf('\uFFFD');
  if (replaced !== -1) {
    const line = text.slice(0, replaced).split('\n').length;
    return { error: { row: 0, field: '', message: `not UTF-8 text at line ${line} (another encoding such as Windows-1252 or UTF-16, or a binary file): save it as UTF-8` } };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { error: { row: 0, field: '', message: `not JSON: ${(e as Error).message}` } };
  }
  if (!isRecord(doc) || !Array.isArray(doc[key])) return { error: { row: 0, field: `/${key}`, message: `the document must be an object with an array "${key}"` } };
  // The checks below walk the document: one nested past any real document's depth is refused before they run.
  if (jsonTooDeep(doc) !== undefined) return { error: { row: 0, field: '', message: `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels` } };
  const rowAt = (pointer: string): number => {
    const index = /^\/[^/]+\/([0-9]+)/.exec(pointer)?.[1];
    return index === undefined ? 0 : Number(index) + 1;
  };
  const nul = nulAt(doc, '');
  if (nul !== undefined) return { error: { row: rowAt(nul), field: nul, message: 'holds a NUL character (\\u0000), which cannot be stored' } };
  // JSON.parse keeps the last of two members of one name silently (`"quantity": 1, "quantity": 500` was 500), which
  // REST refuses in a body (400): a dropped file is held to the same rule, naming the member.
  const twice = duplicateKey(text);
  if (twice !== undefined) return { error: { row: rowAt(twice), field: twice, message: 'is named twice in its object: an object names each member once' } };
  // A member beside the kind's array would be dropped unread (an `asns` array in an items file, a typo): refused, as an
  // unknown field of a row is.
  const other = Object.keys(doc).find((k) => k !== key);
  if (other !== undefined) return { error: { row: 0, field: `/${other.replaceAll('~', '~0').replaceAll('/', '~1')}`, message: `unknown field: an ${key} document holds only "${key}"` } };
  return { items: doc[key] as unknown[] };
}

/** A JSON scalar as text; undefined for an object or array. */
const scalarText = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

type JsonType = 'string' | 'number' | 'boolean';
const kindOf = (v: unknown): string => (Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/**
 * Why a JSON value is not of the type its field takes (absent and null are fine: the field is then empty), or
 * undefined. A JSON document carries types, as a REST body does: `"quantity": "5"` or `"lotControlled": "true"` is
 * refused naming the field, as REST refuses it (400), not read as 5 or true (found by edge9).
 */
function wrongType(v: unknown, want: JsonType): string | undefined {
  if (v === undefined || v === null || typeof v === want) return undefined;
  return `must be a ${want}, not ${kindOf(v)}`;
}

/** The JSON type of each item field, as `POST /products` takes it. */
const ITEM_TYPES: Readonly<Record<string, JsonType>> = {
  lengthMm: 'number', widthMm: 'number', heightMm: 'number', weightG: 'number', lotControlled: 'boolean', expiryControlled: 'boolean',
};
const csvValue = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * The item master as the CSV the product import reads (IMPORT_COLUMNS.products), so items take exactly the product
 * import's rules; a JSON item i becomes CSV line i + 1 (`rowOf` maps an import's line back: the first item is row 1).
 */
export function itemsAsCsv(text: string, format: InboundFormat): { csv: string; rows: number; rowOf: (line: number) => number; errors: RowError[] } {
  if (format === 'csv') return { csv: text, rows: 0, rowOf: (line) => line, errors: [] };
  const read = jsonArray(text, 'items');
  if ('error' in read) return { csv: '', rows: 0, rowOf: (l) => l, errors: [read.error] };
  const columns: readonly string[] = [...IMPORT_COLUMNS.products.required, ...IMPORT_COLUMNS.products.optional];
  const errors: RowError[] = [];
  const lines = [columns.join(',')];
  read.items.forEach((item, i) => {
    const row = i + 1;
    if (!isRecord(item)) {
      errors.push({ row, field: `/items/${i}`, message: 'must be an object' });
      return;
    }
    for (const k of Object.keys(item)) if (!columns.includes(k)) errors.push({ row, field: `/items/${i}/${k}`, message: `unknown field (fields: ${columns.join(', ')})` });
    lines.push(columns.map((c) => {
      const v = item[c];
      const wrong = wrongType(v, ITEM_TYPES[c] ?? 'string');
      if (wrong !== undefined) errors.push({ row, field: `/items/${i}/${c}`, message: wrong });
      if (v === undefined || v === null || wrong !== undefined) return '';
      return csvValue(scalarText(v) ?? '');
    }).join(','));
  });
  return { csv: lines.join('\n'), rows: read.items.length, rowOf: (line) => line - 1, errors };
}

export interface AsnDraft {
  readonly row: number;
  readonly asnNumber: string;
  readonly siteRef: string;
  readonly ownerId: string | undefined;
  readonly supplier: string;
  readonly expectedOn: string | undefined;
  readonly lines: { sku: string; quantity: number; lot: string | undefined; expiresOn: string | undefined; row: number; field: (c: string) => string }[];
}

export const ASN_CSV_COLUMNS = { required: ['asnNumber', 'siteId', 'supplier', 'sku', 'quantity'], optional: ['ownerId', 'expectedOn', 'lot', 'expiresOn'] } as const;
const HEADER_FIELDS = ['siteId', 'supplier', 'ownerId', 'expectedOn'] as const;
const LINE_FIELDS = ['sku', 'quantity', 'lot', 'expiresOn'] as const;
/** A day of the calendar in the years the API takes (2026-02-30 is none: JavaScript reads it as March 2). */
const isDate = isDay;

/** One ASN line to check: its values as text, its row, and how its fields are named in the file. */
interface LineRecord { row: number; values: Record<string, string>; field: (c: string) => string }

function lineRecords(text: string, format: InboundFormat): { records: LineRecord[]; rows: number; errors: RowError[] } {
  if (format === 'csv') {
    const read = readCsv(text, ASN_CSV_COLUMNS.required, [...ASN_CSV_COLUMNS.required, ...ASN_CSV_COLUMNS.optional]);
    return {
      records: read.records.map((r) => ({ row: r.row, values: { ...r.values }, field: (c) => c })),
      rows: read.records.length, errors: read.errors.map((e) => ({ row: e.row, field: e.column, message: e.message })),
    };
  }
  const read = jsonArray(text, 'asns');
  if ('error' in read) return { records: [], rows: 0, errors: [read.error] };
  const errors: RowError[] = [];
  const records: LineRecord[] = [];
  // A value of another type than its field's is `\u0000` and why (no JSON value holds a NUL: refused above), reported
  // by `readAsns` under the field's name.
  const text1 = (v: unknown, want: JsonType = 'string'): string => {
    const wrong = wrongType(v, want);
    return wrong !== undefined ? `\u0000${wrong}` : v === undefined || v === null ? '' : scalarText(v) ?? '';
  };
  read.items.forEach((asn, i) => {
    const row = i + 1;
    if (!isRecord(asn)) {
      errors.push({ row, field: `/asns/${i}`, message: 'must be an object' });
      return;
    }
    for (const k of Object.keys(asn)) if (![...HEADER_FIELDS, 'asnNumber', 'lines'].includes(k)) errors.push({ row, field: `/asns/${i}/${k}`, message: 'unknown field' });
    if (!Array.isArray(asn.lines) || asn.lines.length === 0) {
      errors.push({ row, field: `/asns/${i}/lines`, message: 'an ASN has at least one line' });
      return;
    }
    asn.lines.forEach((line: unknown, j) => {
      if (!isRecord(line)) {
        errors.push({ row, field: `/asns/${i}/lines/${j}`, message: 'must be an object' });
        return;
      }
      for (const k of Object.keys(line)) if (!(LINE_FIELDS as readonly string[]).includes(k)) errors.push({ row, field: `/asns/${i}/lines/${j}/${k}`, message: 'unknown field' });
      const values: Record<string, string> = { asnNumber: text1(asn.asnNumber) };
      for (const f of HEADER_FIELDS) values[f] = text1(asn[f]);
      for (const f of LINE_FIELDS) values[f] = text1(line[f], f === 'quantity' ? 'number' : 'string');
      records.push({ row, values, field: (c) => ((LINE_FIELDS as readonly string[]).includes(c) ? `/asns/${i}/lines/${j}/${c}` : `/asns/${i}/${c}`) });
    });
  });
  return { records, rows: read.items.length, errors };
}

/**
 * ASNs read and checked: each names its number, site, supplier and lines (known SKUs are checked by the caller); the
 * lines of one ASN (CSV rows sharing `asnNumber`) repeat its site, supplier, owner and date — a row that differs is
 * an error. Answers the ASNs, how many rows the file had, and every row in error.
 */
export function readAsns(text: string, format: InboundFormat): { drafts: AsnDraft[]; rows: number; errors: RowError[] } {
  const { records, rows, errors } = lineRecords(text, format);
  const drafts = new Map<string, AsnDraft & { header: string }>();
  for (const r of records) {
    const v = (c: string): string | undefined => {
      const x = (r.values[c] ?? '').trim();
      if (x.startsWith('\u0000')) {
        errors.push({ row: r.row, field: r.field(c), message: x.slice(1) });
        return undefined;
      }
      if (x !== '' && !isText(x)) {
        // As the REST schemas and the CSV imports (ADR 0007, 2026-12-06): no control, bidi or invisible format character.
        errors.push({ row: r.row, field: r.field(c), message: TEXT_MESSAGE });
        return undefined;
      }
      return x === '' ? undefined : x;
    };
    const need = (c: string, max: number): string | undefined => {
      const refused = errors.length;
      const x = v(c);
      if (x === undefined) {
        if (errors.length === refused) errors.push({ row: r.row, field: r.field(c), message: 'is required' });
      } else if (x.length > max) errors.push({ row: r.row, field: r.field(c), message: `is longer than ${max} characters` });
      return x === undefined || x.length > max ? undefined : x;
    };
    const before = errors.length;
    const asnNumber = need('asnNumber', 64);
    const siteRef = need('siteId', 64);
    const supplier = need('supplier', 200);
    const sku = need('sku', 64);
    const qtyText = need('quantity', 12);
    const quantity = qtyText === undefined ? undefined : Number(qtyText);
    if (qtyText !== undefined && (!/^[0-9]+$/.test(qtyText) || quantity! < 1 || quantity! > 1_000_000)) errors.push({ row: r.row, field: r.field('quantity'), message: `must be a whole number from 1 to 1000000, not "${qtyText}"` });
    const expectedOn = v('expectedOn');
    if (expectedOn !== undefined && !isDate(expectedOn)) errors.push({ row: r.row, field: r.field('expectedOn'), message: 'must be a date (YYYY-MM-DD)' });
    const expiresOn = v('expiresOn');
    if (expiresOn !== undefined && !isDate(expiresOn)) errors.push({ row: r.row, field: r.field('expiresOn'), message: 'must be a date (YYYY-MM-DD)' });
    const lot = v('lot');
    const ownerId = v('ownerId');
    if (errors.length > before || asnNumber === undefined || siteRef === undefined || supplier === undefined || sku === undefined || quantity === undefined) continue;
    const key = `${siteRef}\u0000${asnNumber}`;
    const header = JSON.stringify([supplier, ownerId, expectedOn]);
    const line = { sku, quantity, lot, expiresOn, row: r.row, field: r.field };
    const d = drafts.get(key);
    if (d === undefined) drafts.set(key, { row: r.row, asnNumber, siteRef, ownerId, supplier, expectedOn, lines: [line], header });
    else if (d.header !== header) errors.push({ row: r.row, field: r.field('asnNumber'), message: `ASN ${asnNumber}: supplier, owner or expectedOn differ from its row ${d.row}` });
    else d.lines.push(line);
  }
  if (format === 'json') {
    // Two ASN objects with one number in one document: an error, not a merge.
    const seen = new Map<string, number>();
    for (const r of records) {
      // As the drafts are keyed: trimmed (" DEMO" and "DEMO" were one ASN, merged unseen; prop10).
      const key = `${(r.values.siteId ?? '').trim()}\u0000${(r.values.asnNumber ?? '').trim()}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, r.row);
      else if (first !== r.row) errors.push({ row: r.row, field: r.field('asnNumber'), message: `ASN ${(r.values.asnNumber ?? '').trim()} is in this document twice (first at ${first})` });
    }
  }
  return { drafts: [...drafts.values()].map(({ header: _h, ...d }) => d), rows, errors: errors.sort((a, b) => a.row - b.row) };
}

/**
 * The ASNs of a document once their sites are known (`siteOf`: a site reference's id; undefined: unknown, left to the
 * caller's error): rows of one ASN number naming its site two ways (its code on one row, its id on another) are one
 * ASN. In a CSV file they are its lines, in file order (their supplier, owner and date agree, as for any rows of one
 * ASN); in a JSON document it is the ASN twice, an error as when its site is named one way. Before, the second was
 * found `unchanged` by the first's number and its lines dropped unread (prop10). Errors are added to `errors`.
 */
export function oneDraftPerAsn(drafts: readonly AsnDraft[], siteOf: (siteRef: string) => string | undefined, format: InboundFormat, errors: RowError[]): AsnDraft[] {
  const byKey = new Map<string, AsnDraft & { lines: AsnDraft['lines'][number][] }>();
  for (const d of drafts) {
    const key = `${siteOf(d.siteRef) ?? `?${d.siteRef}`}\u0000${d.asnNumber}`;
    const first = byKey.get(key);
    if (first === undefined) byKey.set(key, { ...d, lines: [...d.lines] });
    else if (format === 'json') {
      errors.push({ row: d.row, field: d.lines[0]!.field('asnNumber'), message: `ASN ${d.asnNumber} is in this document twice (first at ${first.row}, its site named ${first.siteRef} there)` });
    } else if (first.supplier !== d.supplier || first.ownerId !== d.ownerId || first.expectedOn !== d.expectedOn) {
      errors.push({ row: d.row, field: d.lines[0]!.field('asnNumber'), message: `ASN ${d.asnNumber}: supplier, owner or expectedOn differ from its row ${first.row}` });
    } else {
      first.lines.push(...d.lines);
      first.lines.sort((a, b) => a.row - b.row);
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return [...byKey.values()];
}
