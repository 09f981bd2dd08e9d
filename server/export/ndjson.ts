// NDJSON (one JSON value per line, `\n` after each, UTF-8), the other export
// format (CONTRACT §8): a row is the preview's JSON object of that row.

/** NDJSON of JSON values: one line each. */
export function ndjsonLines(values: readonly unknown[]): string {
  let text = '';
  for (const value of values) text += `${JSON.stringify(value)}\n`;
  return text;
}

/** ndjsonLines as a stream: each chunk's lines as one string. */
export async function* ndjsonStream(chunks: AsyncIterable<readonly unknown[]>): AsyncGenerator<string, void, undefined> {
  for await (const values of chunks) if (values.length > 0) yield ndjsonLines(values);
}

/** The pieces of one JSON string from its text in pieces (each escaped on its own: JSON escapes one character at a time). */
export async function* jsonStringPieces(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  yield '"';
  for await (const piece of pieces) yield JSON.stringify(piece).slice(1, -1);
  yield '"';
}

/**
 * How to write rows given as arrays in column order as JSON objects with the
 * keys in the order JavaScript gives an object's keys (integer-like names
 * first), as the preview's rows have them: the columns' indexes in that order,
 * and each one's `"name":` prefix.
 */
export function objectLayout(names: readonly string[]): { order: number[]; prefixes: string[] } {
  const index = new Map(names.map((name, i) => [name, i]));
  const order = Object.keys(Object.fromEntries(names.map((name) => [name, true]))).map((name) => index.get(name) ?? 0);
  return { order, prefixes: names.map((name) => `${JSON.stringify(name)}:`) };
}
