// How the table preview turns the text Postgres prints into JSON values
// (CONTRACT §5): null; booleans; numbers for int2/int4/float4/float8 (NaN and
// ±Infinity stay strings); strings for int8 and numeric (no lost digits);
// json/jsonb parsed; timestamptz as ISO 8601 UTC with milliseconds; arrays as
// JSON arrays whose elements map the same way; everything else exactly as
// Postgres prints it (bytea as \x… hex, date, time, interval, uuid, inet, enums…).
// The preview session pins DateStyle, TimeZone, IntervalStyle, bytea_output and
// extra_float_digits, so the printed text does not depend on server settings.

// Large cells are cut in SQL before they reach this parser (page-sql.ts).

/** What the preview needs to know of a type, from pg_type. */
export interface TypeInfo {
  /** The domain's base type, or 0. */
  baseType: number;
  /** The element type of an array type, or 0. */
  element: number;
  delimiter: string;
  isArray: boolean;
}

const OID = { bool: 16, int8: 20, int2: 21, int4: 23, json: 114, float4: 700, float8: 701, timestamptz: 1184, numeric: 1700, jsonb: 3802 };

type Parse = (text: string) => unknown;

const identity: Parse = (text) => text;
const toNumber: Parse = (text) => Number(text);
const toFloat: Parse = (text) => {
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
};

// Printed with DateStyle ISO and TimeZone UTC: `2024-02-23 14:30:00.123456+00`.
// infinity, -infinity and BC dates have no ISO 8601 form and stay as printed.
const TIMESTAMPTZ = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?\+00$/;
const toIsoTimestamp: Parse = (text) => {
  const m = TIMESTAMPTZ.exec(text);
  if (!m) return text;
  const millis = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${millis}Z`;
};

const SCALARS = new Map<number, Parse>([
  [OID.bool, (text) => text === 't'],
  [OID.int2, toNumber],
  [OID.int4, toNumber],
  [OID.float4, toFloat],
  [OID.float8, toFloat],
  [OID.json, (text) => JSON.parse(text)],
  [OID.jsonb, (text) => JSON.parse(text)],
  [OID.timestamptz, toIsoTimestamp],
]);

/**
 * Parses an array literal as array_out prints it (`{1,2}`, `{{a,NULL},{"b c",d}}`,
 * `[0:1]={x,y}`), mapping each element with `element`; NULL elements become null.
 */
export function parseArrayLiteral(text: string, delimiter: string, element: Parse): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const fail = (): never => {
    throw new Error('malformed array literal');
  };
  const level = (): unknown[] => {
    if (text[i] !== '{') fail();
    i++;
    const out: unknown[] = [];
    if (text[i] === '}') {
      i++;
      return out;
    }
    while (i < text.length) {
      if (text[i] === '{') {
        out.push(level());
      } else if (text[i] === '"') {
        let value = '';
        for (i++; i < text.length && text[i] !== '"'; i++) {
          if (text[i] === '\\') i++;
          value += text[i] ?? '';
        }
        i++;
        out.push(element(value));
      } else {
        const start = i;
        while (i < text.length && text[i] !== delimiter && text[i] !== '}') i++;
        const raw = text.slice(start, i);
        out.push(raw === 'NULL' ? null : element(raw));
      }
      if (text[i] === delimiter) i++;
      else if (text[i] === '}') {
        i++;
        return out;
      } else fail();
    }
    return fail();
  };
  return level();
}

/**
 * A `getTypeParser` for one preview query: maps each result column's type OID
 * to the rules above, resolving domains and array element types through
 * `types` (read from pg_type for the table's columns). Unknown types print as is.
 */
export function previewTypeParser(types: ReadonlyMap<number, TypeInfo>): (oid: number) => Parse {
  const parserFor = (oid: number, depth = 0): Parse => {
    const info = types.get(oid);
    if (info && info.baseType !== 0 && depth < 8) return parserFor(info.baseType, depth + 1);
    if (info?.isArray && depth < 8) {
      const element = parserFor(info.element, depth + 1);
      return (text) => parseArrayLiteral(text, info.delimiter, element);
    }
    return SCALARS.get(oid) ?? identity;
  };
  return (oid) => parserFor(oid);
}
