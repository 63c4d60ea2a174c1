/**
 * ASC X12 as plain data: an interchange read into its envelopes (ISA/GS/ST … SE/GE/IEA), the envelope rules checked,
 * and documents written back with the same delimiters (ADR 0037). Pure: no I/O, no clock (dates come in as arguments).
 */

/** The delimiters an interchange declares in its ISA segment (element at position 4, component at ISA16, terminator after it). */
export interface Delimiters {
  readonly element: string;
  readonly component: string;
  readonly segment: string;
}

export const DEFAULT_DELIMITERS: Delimiters = { element: '*', component: '>', segment: '~' };

/** One segment: its id and its elements (`elements[0]` is the first element after the id, i.e. XX01). */
export interface Segment {
  readonly id: string;
  readonly elements: readonly string[];
  /** 1-based position of the segment in its transaction set (ST = 1), 0 outside a set: AK3-02 names it. */
  readonly position: number;
}

export interface TransactionSet {
  readonly type: string;
  readonly controlNumber: string;
  /** ST … SE inclusive. */
  readonly segments: readonly Segment[];
  /** Envelope errors of this set (AK5-02..: 2 trailer missing, 3 control numbers differ, 4 segment count wrong). */
  readonly envelopeErrors: readonly number[];
}

export interface FunctionalGroup {
  readonly functionalId: string;
  readonly sender: string;
  readonly receiver: string;
  readonly controlNumber: string;
  readonly version: string;
  readonly sets: readonly TransactionSet[];
  /** AK9 codes: 3 trailer missing, 4 control numbers differ, 5 set count wrong. */
  readonly envelopeErrors: readonly number[];
}

export interface Interchange {
  readonly delimiters: Delimiters;
  readonly senderQualifier: string;
  readonly senderId: string;
  readonly receiverQualifier: string;
  readonly receiverId: string;
  readonly controlNumber: string;
  readonly usage: string;
  /** ISA14 = 1: the sender asks for a TA1 interchange acknowledgement. */
  readonly ackRequested: boolean;
  /** ISA09 (YYMMDD) and ISA10 (HHMM), which a TA1 repeats. */
  readonly date: string;
  readonly time: string;
  readonly groups: readonly FunctionalGroup[];
}

/** Why an interchange could not be read at all (no 997 can answer it: there is no trustworthy group header). */
export interface InterchangeError {
  readonly message: string;
  /** The TA1-05 note code (X12 I18) when the ISA header was readable and a TA1 can answer: 001, 018, 021, 022, 023. */
  readonly ta1Code?: string;
}

/** The ISA header's fields a TA1 answers with, when the header itself could be read (even if the rest could not). */
export interface IsaHeader {
  readonly delimiters: Delimiters;
  readonly senderQualifier: string;
  readonly senderId: string;
  readonly controlNumber: string;
  readonly date: string;
  readonly time: string;
  readonly usage: string;
}

const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

/**
 * Whether a count element (SE01, GE01, IEA01: X12 type N0, digits only; white space around it is tolerated) says `n`.
 * `Number()` read "0x9", "9.0", "+9" or "9e0" as 9, so a malformed count passed as right (edge9).
 */
const countIs = (element: string | undefined, n: number): boolean => {
  const v = (element ?? '').trim();
  return /^[0-9]{1,10}$/.test(v) && Number(v) === n;
};

/** Splits a raw interchange into segments; the ISA header must be the fixed-length 106 characters X12 defines. */
export function parseInterchange(raw: string): { ok: true; interchange: Interchange } | { ok: false; errors: InterchangeError[]; header?: IsaHeader } {
  const text = raw.replace(/^\uFEFF/, '').replace(/^\s+/, '');
  if (!text.startsWith('ISA') || text.length < 106) return { ok: false, errors: [{ message: 'the interchange must start with a 106-character ISA segment' }] };
  const element = text[3] ?? '';
  const segment = text[105] ?? '';
  const component = text[104] ?? '';
  if (/[A-Za-z0-9 ]/.test(element) || /[A-Za-z0-9 ]/.test(segment) || element === segment) {
    return { ok: false, errors: [{ message: `ISA declares unusable delimiters (element "${element}", segment "${segment}")` }] };
  }
  const isa = text.slice(0, 105).split(element);
  if (isa.length !== 17) return { ok: false, errors: [{ message: `ISA has ${isa.length - 1} elements, 16 expected (fixed-length fields)` }] };
  const delimiters: Delimiters = { element, component, segment };
  const header: IsaHeader = {
    delimiters, senderQualifier: (isa[5] ?? '').trim(), senderId: (isa[6] ?? '').trim(), controlNumber: (isa[13] ?? '').trim(),
    date: (isa[9] ?? '').trim(), time: (isa[10] ?? '').trim(), usage: (isa[15] ?? '').trim(),
  };
  const rows = text.split(segment).map((s) => s.replace(/^[\r\n]+|[\r\n]+$/g, '')).filter((s) => s.trim() !== '');
  const errors: InterchangeError[] = [];
  const groups: FunctionalGroup[] = [];
  let iea: string[] | undefined;
  let group: { gs: string[]; sets: TransactionSet[] } | undefined;
  let set: { st: string[]; segments: Segment[] } | undefined;

  const closeSet = (se: string[] | undefined): void => {
    if (set === undefined || group === undefined) return;
    const envelopeErrors: number[] = [];
    if (se === undefined) envelopeErrors.push(2);
    else {
      if ((se[2] ?? '') !== (set.st[2] ?? '')) envelopeErrors.push(3);
      if (!countIs(se[1], set.segments.length)) envelopeErrors.push(4);
    }
    group.sets.push({ type: set.st[1] ?? '', controlNumber: set.st[2] ?? '', segments: set.segments, envelopeErrors });
    set = undefined;
  };
  const closeGroup = (ge: string[] | undefined): void => {
    if (group === undefined) return;
    closeSet(undefined);
    const envelopeErrors: number[] = [];
    if (ge === undefined) envelopeErrors.push(3);
    else {
      if ((ge[2] ?? '') !== (group.gs[6] ?? '')) envelopeErrors.push(4);
      if (!countIs(ge[1], group.sets.length)) envelopeErrors.push(5);
    }
    groups.push({
      functionalId: group.gs[1] ?? '', sender: group.gs[2] ?? '', receiver: group.gs[3] ?? '', controlNumber: group.gs[6] ?? '',
      version: group.gs[8] ?? '', sets: group.sets, envelopeErrors,
    });
    group = undefined;
  };

  for (const row of rows.slice(1)) {
    const parts = row.split(element);
    const id = (parts[0] ?? '').trim();
    if (iea !== undefined) {
      errors.push({ message: `segment ${id} after IEA`, ta1Code: '022' });
      break;
    }
    // A TA1 the partner sends back with its own documents sits between ISA and the first GS: read past it.
    if (id === 'TA1' && group === undefined && groups.length === 0) continue;
    if (id === 'GS') {
      if (group !== undefined) closeGroup(undefined);
      group = { gs: parts, sets: [] };
    } else if (id === 'GE') {
      if (set !== undefined) closeSet(undefined);
      closeGroup(parts);
    } else if (id === 'IEA') {
      if (group !== undefined) closeGroup(undefined);
      iea = parts;
    } else if (group === undefined) {
      errors.push({ message: `segment ${id} outside a functional group (GS … GE)`, ta1Code: '024' });
    } else if (id === 'ST') {
      if (set !== undefined) closeSet(undefined);
      set = { st: parts, segments: [{ id, elements: parts.slice(1), position: 1 }] };
    } else if (set === undefined) {
      errors.push({ message: `segment ${id} outside a transaction set (ST … SE)`, ta1Code: '024' });
    } else {
      set.segments.push({ id, elements: parts.slice(1), position: set.segments.length + 1 });
      if (id === 'SE') closeSet(parts);
    }
  }
  if (group !== undefined) closeGroup(undefined);
  const controlNumber = (isa[13] ?? '').trim();
  if (iea === undefined) errors.push({ message: 'IEA trailer missing', ta1Code: '023' });
  else {
    if ((iea[2] ?? '').trim() !== controlNumber) errors.push({ message: `IEA02 ${iea[2] ?? ''} does not match ISA13 ${controlNumber}`, ta1Code: '001' });
    if (!countIs(iea[1], groups.length)) errors.push({ message: `IEA01 says ${iea[1] ?? ''} functional groups, the interchange has ${groups.length}`, ta1Code: '021' });
  }
  if (!/^\d{9}$/.test(controlNumber)) errors.push({ message: 'ISA13 must be a 9-digit control number', ta1Code: '018' });
  if (groups.length === 0) errors.push({ message: 'the interchange has no functional group', ta1Code: '024' });
  if (errors.length > 0) return { ok: false, errors, header };
  return {
    ok: true,
    interchange: {
      delimiters, senderQualifier: (isa[5] ?? '').trim(), senderId: (isa[6] ?? '').trim(), receiverQualifier: (isa[7] ?? '').trim(),
      receiverId: (isa[8] ?? '').trim(), controlNumber, usage: header.usage, ackRequested: (isa[14] ?? '').trim() === '1',
      date: header.date, time: header.time, groups,
    },
  };
}

/** `SEGMENT_ID` check for AK3 code 1 (unrecognised segment id). */
export const isSegmentId = (id: string): boolean => SEGMENT_ID.test(id);

/** A segment written with the delimiters, trailing empty elements dropped. */
export function writeSegment(id: string, elements: readonly (string | number | undefined)[], d: Delimiters = DEFAULT_DELIMITERS): string {
  const values = elements.map((e) => (e === undefined ? '' : String(e)));
  while (values.length > 0 && values.at(-1) === '') values.pop();
  for (const v of values) {
    if (v.includes(d.element) || v.includes(d.segment) || v.includes(d.component)) throw new Error(`element value "${v}" contains a delimiter`);
  }
  return [id, ...values].join(d.element) + d.segment;
}

/** Removes delimiter characters from free text (names, addresses) before it becomes an element. */
export const clean = (s: string, d: Delimiters = DEFAULT_DELIMITERS): string =>
  [...s].filter((c) => c !== d.element && c !== d.segment && c !== d.component && c >= ' ').join('').trim();

const pad = (s: string, n: number): string => s.slice(0, n).padEnd(n, ' ');
const yymmdd = (d: Date): string => d.toISOString().slice(2, 10).replaceAll('-', '');
export const ccyymmdd = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');
export const hhmm = (d: Date): string => d.toISOString().slice(11, 16).replace(':', '');

export interface EnvelopeParties {
  readonly senderQualifier: string;
  readonly senderId: string;
  readonly receiverQualifier: string;
  readonly receiverId: string;
  /** GS02/GS03 application codes; the ISA ids when absent. */
  readonly gsSender?: string;
  readonly gsReceiver?: string;
}

/**
 * One interchange with one functional group around the given transaction sets (each: its ST01 type and body segments
 * between ST and SE, already written). SE01 counts ST … SE; GE01 and IEA01 count sets and groups; control numbers
 * repeat in the trailers.
 */
export function writeInterchange(o: {
  parties: EnvelopeParties; functionalId: string; version?: string; interchangeControl: number; groupControl: number;
  sets: readonly { type: string; controlNumber: string; body: readonly string[] }[]; at: Date; usage?: 'P' | 'T'; d?: Delimiters;
  /** A TA1 segment (already written) placed after ISA, before the group: the interchange acknowledgement. */
  ta1?: string;
}): string {
  const d = o.d ?? DEFAULT_DELIMITERS;
  const version = o.version ?? '004010';
  const isa13 = String(o.interchangeControl).padStart(9, '0');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), pad(o.parties.senderQualifier, 2), pad(o.parties.senderId, 15),
    pad(o.parties.receiverQualifier, 2), pad(o.parties.receiverId, 15), yymmdd(o.at), hhmm(o.at), 'U', '00401', isa13, '0', o.usage ?? 'P', d.component]
    .join(d.element) + d.segment;
  if (o.sets.length === 0) return [isa, ...(o.ta1 === undefined ? [] : [o.ta1]), writeSegment('IEA', [0, isa13], d)].join('\n');
  const lines = [isa, ...(o.ta1 === undefined ? [] : [o.ta1]), writeSegment('GS', [o.functionalId, o.parties.gsSender ?? o.parties.senderId, o.parties.gsReceiver ?? o.parties.receiverId,
    ccyymmdd(o.at), hhmm(o.at), o.groupControl, 'X', `${version}`], d)];
  for (const s of o.sets) {
    lines.push(writeSegment('ST', [s.type, s.controlNumber], d), ...s.body, writeSegment('SE', [s.body.length + 2, s.controlNumber], d));
  }
  lines.push(writeSegment('GE', [o.sets.length, o.groupControl], d), writeSegment('IEA', [1, isa13], d));
  return lines.join('\n');
}

/**
 * A TA1 interchange acknowledgement of a received interchange (its ISA13, ISA09, ISA10): TA1-04 A accepted, or R
 * rejected with TA1-05 the note code (X12 I18, e.g. 001 IEA02 ≠ ISA13, 021 IEA01 wrong, 023 premature end).
 */
export function writeTa1(received: { controlNumber: string; date: string; time: string }, code: string | undefined, d: Delimiters = DEFAULT_DELIMITERS): string {
  const control = /^\d{9}$/.test(received.controlNumber) ? received.controlNumber : '000000000';
  return writeSegment('TA1', [control, received.date.padEnd(6, '0').slice(0, 6), received.time.padEnd(4, '0').slice(0, 4), code === undefined ? 'A' : 'R', code ?? '000'], d);
}
