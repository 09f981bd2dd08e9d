// NDJSON from the fast path's COPY (fast-sql.ts): PostgreSQL prints each
// column as its JSON text or as the bare text of a JSON string, one field per
// column, fields apart by \x02, LF after each record, NULL as an empty field
// (COPY's CSV with \x02 as delimiter and \x01 as quote: no field holds either,
// a CR or an LF, so none is ever quoted). This turns those records into the
// JSON objects the general path writes, piece by piece: a cell of any size
// passes through in pieces, never held whole. The work is split so: the
// database prints and escapes, this process adds keys, quotes and nulls
// while the next rows are printed.

/** How a field becomes JSON: `json` as printed; `string` in quotes (its text needs no escape); `bytea` printed `\x…`, in quotes with its backslash escaped. */
export type NdjsonFieldKind = 'json' | 'string' | 'bytea';

const SEPARATOR = '\u0002';
const QUOTE = '\u0001';
const OPENERS: Record<NdjsonFieldKind, string> = { json: '', string: '"', bytea: '"\\' };
const CLOSERS: Record<NdjsonFieldKind, string> = { json: '', string: '"', bytea: '"' };

/**
 * A stateful transform of COPY's text, piece after piece, into NDJSON lines.
 * `keys[i]` is what comes before field i: `{"name":` for the first, `,"name":`
 * for the others. Throws on a record whose fields do not match the columns.
 */
export function ndjsonRecords(kinds: readonly NdjsonFieldKind[], keys: readonly string[]): (text: string) => string {
  const last = kinds.length - 1;
  let column = 0;
  let open = false;
  const broken = () => new Error('COPY sent a record the NDJSON export cannot read');
  return (text) => {
    if (text.includes(QUOTE)) throw broken();
    let out = '';
    let at = 0;
    let nextSeparator = text.indexOf(SEPARATOR);
    let nextLineEnd = text.indexOf('\n');
    while (at < text.length) {
      if (nextSeparator !== -1 && nextSeparator < at) nextSeparator = text.indexOf(SEPARATOR, at);
      if (nextLineEnd !== -1 && nextLineEnd < at) nextLineEnd = text.indexOf('\n', at);
      const end = nextSeparator === -1 ? nextLineEnd : nextLineEnd === -1 ? nextSeparator : Math.min(nextSeparator, nextLineEnd);
      const kind = kinds[column] as NdjsonFieldKind;
      const stop = end === -1 ? text.length : end;
      if (stop > at) {
        if (!open) out += `${keys[column]}${OPENERS[kind]}`;
        open = true;
        out += text.slice(at, stop);
      }
      if (end === -1) break;
      out += open ? CLOSERS[kind] : `${keys[column]}null`;
      open = false;
      if (end === nextLineEnd) {
        if (column !== last) throw broken();
        out += '}\n';
        column = 0;
      } else {
        if (column === last) throw broken();
        column++;
      }
      at = end + 1;
    }
    return out;
  };
}
