import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NdjsonFieldKind, ndjsonRecords } from '../../server/queries/export/ndjson-records';

// ndjsonRecords (the NDJSON fast path's transform of COPY's records) against a
// plain reference that reads one whole record at a time: for random records,
// cut into pieces anywhere (inside a field, right before or after a
// separator or a line end), the pieces give the same text as the whole.

const KINDS: readonly NdjsonFieldKind[] = ['json', 'string', 'bytea'];
/** A printed field: empty for NULL, else text without \x01, \x02 or LF, as COPY sends them. */
const field = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom('a', '1', '"', '\\', 'é', '😀', ' ', '\t'), minLength: 1, maxLength: 6 }),
);

/** The object of one record, written from its whole fields. */
function reference(kinds: readonly NdjsonFieldKind[], keys: readonly string[], fields: readonly string[]): string {
  const values = fields.map((text, i) => {
    if (text === '') return 'null';
    const kind = kinds[i];
    return kind === 'json' ? text : kind === 'string' ? `"${text}"` : `"\\${text}"`;
  });
  return `${values.map((value, i) => `${keys[i]}${value}`).join('')}}\n`;
}

describe('ndjsonRecords', () => {
  it('gives the same objects however COPY’s text is cut into pieces', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 4 })
          .chain((kinds) =>
            fc.tuple(
              fc.constant(kinds),
              fc.array(fc.array(field, { minLength: kinds.length, maxLength: kinds.length }), { maxLength: 5 }),
              fc.array(fc.nat(), { maxLength: 8 }),
            ),
          ),
        ([kinds, records, cuts]) => {
          const keys = kinds.map((_, i) => `${i === 0 ? '{' : ','}"c${i}":`);
          const text = records.map((fields) => `${fields.join('\u0002')}\n`).join('');
          const at = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...at, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
          const transform = ndjsonRecords(kinds, keys);
          expect(pieces.map((piece) => transform(piece)).join('')).toBe(records.map((fields) => reference(kinds, keys, fields)).join(''));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a record with too few or too many fields, or a quoted field', () => {
    expect(() => ndjsonRecords(['json', 'json'], ['{"a":', ',"b":'])('1\n')).toThrow(/cannot read/);
    expect(() => ndjsonRecords(['json'], ['{"a":'])('1\u00022\n')).toThrow(/cannot read/);
    expect(() => ndjsonRecords(['json'], ['{"a":'])('\u0001x\u0001\n')).toThrow(/cannot read/);
  });
});
