import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvQuotedPieces, csvRecords, csvStream, flattenRecord, toCsv } from '../../server/export/csv';
import { collect, parseCsv } from '../helpers/export';

// The CSV writer (server/export/csv.ts) against a real parser (csv-parse):
// any records of any text parse back to themselves, null as an unquoted empty
// cell and '' as a quoted one; a field written in pieces parses as the whole.

const cell = fc.oneof(fc.constant(null), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '"', ',', '\r\n', '\n', '\r', ' a ', '=1+1'));

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('the CSV writer', () => {
  it('writes records that parse back to themselves (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 })),
        (records) => {
          // A record of one null is a blank line, which no parser can tell from one empty cell.
          fc.pre(records.every((record) => record.length > 1 || record[0] !== null));
          const text = csvRecords(records);
          expect(text.endsWith('\r\n')).toBe(true);
          expect(parseCsv(text)).toEqual(records);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes a field from pieces, always quoted, that parses as the whole text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 6 }), cell, async (pieces, other) => {
        const field = await collect(csvQuotedPieces(from(pieces)));
        const text = `${field},${csvField(other)}\r\n`;
        expect(parseCsv(text)).toEqual([[pieces.join(''), other]]);
      }),
      { numRuns: 300 },
    );
  });

  it('turns JSON values into cells and flat objects into CSV with a header, whole or streamed', async () => {
    const rows = [flattenRecord({ a: 1, b: { c: true, d: null }, e: [1, 'x'], f: { g: { h: 'deep' } } }), { a: 2.5, missing: 'ignored' }];
    const columns = ['a', 'b.c', 'b.d', 'e', 'f.g.h'];
    const text = toCsv(rows, columns);
    expect(text).toBe('a,b.c,b.d,e,f.g.h\r\n1,true,,"[1,""x""]",deep\r\n2.5,,,,\r\n');
    expect(await collect(csvStream(columns, from([rows.slice(0, 1), [], rows.slice(1)])))).toBe(text);
    expect(await collect(csvStream(columns, from([])))).toBe('a,b.c,b.d,e,f.g.h\r\n');
  });
});
