// The normalisation rules of CONTRACT §8, written out by hand in TypeScript:
// no regular expressions, character by character, so that a property test can
// hold the SQL functions (server/db/sql/insights/normalise.sql) to them.

const isDigit = (c: string) => c >= '0' && c <= '9';
const isHex = (c: string) => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const UUID_GROUPS = [8, 4, 4, 4, 12];

/** Whether `s` at `at` starts with a UUID (8-4-4-4-12 hex digits, either case); its length or 0. */
function uuidAt(s: string[], at: number): number {
  let i = at;
  for (const [n, size] of UUID_GROUPS.entries()) {
    if (n > 0) {
      if (s[i] !== '-') return 0;
      i += 1;
    }
    for (let k = 0; k < size; k += 1, i += 1) if (!isHex(s[i] ?? '')) return 0;
  }
  return i - at;
}

function isId(segment: string): boolean {
  const chars = [...segment];
  if (chars.length === 0) return false;
  if (chars.every(isDigit)) return true;
  if (chars.length === 36 && uuidAt(chars, 0) === 36) return true;
  return chars.length >= 8 && chars.every(isHex) && chars.some(isDigit);
}

/** The route of a path: before the first `?`, each id-like segment as `:id`. */
export function routeOf(path: string): string {
  const q = path.indexOf('?');
  const bare = q < 0 ? path : path.slice(0, q);
  return bare
    .split('/')
    .map((segment) => (isId(segment) ? ':id' : segment))
    .join('/');
}

/** Replaces, left to right, each non-overlapping span that `spanAt` finds with `#`. */
function replaceSpans(chars: string[], spanAt: (chars: string[], at: number) => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < chars.length;) {
    const length = spanAt(chars, i);
    if (length > 0) {
      out.push('#');
      i += length;
    } else {
      out.push(chars[i] ?? '');
      i += 1;
    }
  }
  return out;
}

/** The maximal run of hex digits at `at` when it is 8 long or more and holds a digit (only where a run starts). */
function hexRunAt(chars: string[], at: number): number {
  if (at > 0 && isHex(chars[at - 1] ?? '')) return 0;
  let end = at;
  while (end < chars.length && isHex(chars[end] ?? '')) end += 1;
  return end - at >= 8 && chars.slice(at, end).some(isDigit) ? end - at : 0;
}

function digitRunAt(chars: string[], at: number): number {
  let end = at;
  while (end < chars.length && isDigit(chars[end] ?? '')) end += 1;
  return end - at;
}

/** The message of a failed invocation: UUIDs, long hex runs with a digit, digit runs as `#`; 200 characters; `HTTP <status>` without error. */
export function errorMessageOf(error: string | null, statusCode: number): string {
  if (error === null) return `HTTP ${statusCode}`;
  const afterUuids = replaceSpans([...error], uuidAt);
  const afterHex = replaceSpans(afterUuids, hexRunAt);
  return replaceSpans(afterHex, digitRunAt).slice(0, 200).join('');
}

/** Compares by Unicode code points, as PostgreSQL's "C" collation orders UTF-8 text. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
