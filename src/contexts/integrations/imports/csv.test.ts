import { describe, expect, it } from 'vitest';
import { TEXT_MESSAGE } from '../../../platform/text.ts';
import { readCsv, RowReader } from './csv.ts';

const columns = ['sku', 'description'];

describe('readCsv', () => {
  it('refuses a file that is not UTF-8 (binary, Windows-1252, UTF-16) as one error naming its first bad line, instead of reading replacement characters', () => {
    const latin1 = Buffer.from('sku,description\nMUG,Caf\xe9 mug\n', 'latin1').toString('utf8');
    expect(readCsv(latin1, columns, columns)).toEqual({
      records: [],
      errors: [{ row: 2, column: '', message: 'not UTF-8 text (a binary file, or another encoding such as Windows-1252 or UTF-16): save it as CSV UTF-8' }],
    });
    const utf16 = Buffer.from('\uFEFFsku,description\n', 'utf16le').toString('utf8');
    expect(readCsv(utf16, columns, columns).errors.map((e) => e.row)).toEqual([1]);
    expect(readCsv('\u007fELF\u0002\u0000\u0000', columns, columns).errors.map((e) => e.message.slice(0, 14))).toEqual(['not UTF-8 text']);
  });

  it('reads UTF-8 with accents and a BOM', () => {
    expect(readCsv('\uFEFFsku,description\nMUG,Café mug\n', columns, columns)).toEqual({ records: [{ row: 2, values: { sku: 'MUG', description: 'Café mug' } }], errors: [] });
  });

  it('a first row with fewer fields than the header is that row\'s missing values, not a header without those columns', () => {
    // It said "row 1, column weightG: the header has no weightG column" of a header that has it (the header was read
    // from the first record's keys, which a short record lacks).
    const known = ['sku', 'description', 'weightG'];
    expect(readCsv('sku,description,weightG\nMUG,Mug\nBOWL,Bowl,300\n', known, known)).toEqual({
      records: [{ row: 2, values: { sku: 'MUG', description: 'Mug' } }, { row: 3, values: { sku: 'BOWL', description: 'Bowl', weightG: '300' } }],
      errors: [],
    });
  });

  it('a value with a control character, a bidi control or a line break is its row\'s error, as the REST schemas refuse it (bad-input hunt)', () => {
    const { records } = readCsv('sku,description\nMUG,"Mug\u001b[5m"\nBOWL,"two\nlines"\nCUP,Cup \u202egnp\nPLATE,Plate\n', columns, columns);
    const read = records.map((rec) => { const r = new RowReader(rec); return [r.text('description'), r.errors]; });
    expect(read).toEqual([
      [undefined, [{ row: 2, column: 'description', message: TEXT_MESSAGE }]],
      [undefined, [{ row: 3, column: 'description', message: TEXT_MESSAGE }]],
      [undefined, [{ row: 5, column: 'description', message: TEXT_MESSAGE }]],
      ['Plate', []],
    ]);
  });

  it('a record\'s row is the line it starts on, past blank lines and across CRLF line breaks inside quotes (found by edge9: a row after two blank lines was named 2 lines early, and a CRLF inside quotes counted twice)', () => {
    const rows = (text: string): number[] => readCsv(text, columns, columns).records.map((r) => r.row);
    expect(rows('sku,description\nA,a\n\n\nB,b\n')).toEqual([2, 5]);
    expect(rows('sku,description\r\nA,a\r\n\r\n  \r\nB,b\r\n')).toEqual([2, 5]);
    expect(rows('sku,description\r\nA,"x\r\ny"\r\nB,b\r\nC,c')).toEqual([2, 4, 5]);
    expect(rows('\n\nsku,description\nA,a\n')).toEqual([4]);
    expect(rows('\uFEFFsku,description\rA,"x\ry"\r\rB,b\r')).toEqual([2, 5]);
  });
});
