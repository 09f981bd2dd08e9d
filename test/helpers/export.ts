import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { TestApp } from './fixtures';
import type { callerFor } from './fixtures';

// Helpers of the table export tests: the whole text of an export, CSV parsed
// back with a real parser (csv-parse), and the preview's rows as the oracle.

type Caller = Awaited<ReturnType<typeof callerFor>>;

/** The whole text of an async iterable of strings. */
export async function collect(body: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const part of body) parts.push(part);
  return parts.join('');
}

/** The text of a table export through the router. */
export async function exportText(caller: Caller, app: TestApp, table: string, format: 'csv' | 'ndjson'): Promise<string> {
  return collect((await caller.export.table({ appId: app.id, table, format })).body);
}

/** CSV parsed back (RFC 4180), an unquoted empty cell as null and a quoted one as ''. */
export function parseCsv(text: string): Array<Array<string | null>> {
  return parse(text, {
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
    relax_column_count: false,
  }) as Array<Array<string | null>>;
}

/** Every row of a table as the preview answers it, page by page (`limit` rows each). */
export async function previewAll(caller: Caller, app: TestApp, table: string, limit = 100) {
  const rows: Array<Record<string, unknown>> = [];
  let fields: Array<{ name: string; dataTypeID: number }> = [];
  for (let offset = 0; ; offset += limit) {
    const page = await caller.stats.preview({ appId: app.id, table, limit, offset });
    fields = page.fields;
    rows.push(...page.rows);
    if (page.rows.length < limit) return { rows, fields };
  }
}

/** A preview value as the CSV cell that stands for it: null empty, objects and arrays as JSON, the rest as text. */
export function cellOf(value: unknown): string | null {
  if (value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Expects a CSV export to parse back to the preview's rows: the header is `names`, each record the row's cells in that order. */
export function expectCsvMatches(text: string, names: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): void {
  const [header, ...records] = parseCsv(text);
  expect(header).toEqual(names);
  expect(records).toEqual(rows.map((row) => names.map((name) => cellOf(row[name]))));
}

/** Expects an NDJSON export to be the preview's rows, one JSON object a line, keys in the same order. */
export function expectNdjsonMatches(text: string, rows: ReadonlyArray<Record<string, unknown>>): void {
  expect(text.endsWith('\n') || rows.length === 0).toBe(true);
  const lines = text.split('\n').slice(0, -1);
  expect(lines.map((line) => JSON.stringify(JSON.parse(line)))).toEqual(rows.map((row) => JSON.stringify(row)));
}
