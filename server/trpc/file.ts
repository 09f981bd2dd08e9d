import { z } from 'zod';
import type { ResolvedRange } from '../../lib/range';
import { csvStream, flattenRecord } from '../export/csv';

// A download as a procedure returns it (CONTRACT §8 "Export"): its file name,
// its type and its text as an async iterable, which the REST adapter streams.

const isAsyncIterable = (value: unknown): value is AsyncIterable<string> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** The output of a procedure that answers a file. */
export const FileOutput = z.object({
  fileName: z.string(),
  contentType: z.string(),
  body: z.custom<AsyncIterable<string>>(isAsyncIterable),
});
export type FileOutput = z.infer<typeof FileOutput>;

/** `<naturalId>-<what>-<from>-<to>-<tz with / as _>.csv`, as §8 names the CSV of a range. */
export function rangeFileName(naturalId: string, what: string, range: Pick<ResolvedRange, 'from' | 'to' | 'tz'>): string {
  return `${naturalId}-${what}-${range.from}-${range.to}-${range.tz.replaceAll('/', '_')}.csv`;
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

/** A CSV file of JSON objects: nested fields joined with `.`, a header of `columns` (default: the first row's keys). */
export function csvFile(fileName: string, rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): FileOutput {
  const flat = rows.map((row) => flattenRecord(row));
  return {
    fileName,
    contentType: 'text/csv; charset=utf-8',
    body: csvStream(columns ?? Object.keys(flat[0] ?? {}), once(flat)),
  };
}

/** A CSV file streamed from chunks of flat JSON objects (constant memory): the header of `columns`, then each chunk's records. */
export function csvFileStream(
  fileName: string,
  columns: readonly string[],
  chunks: AsyncIterable<ReadonlyArray<Record<string, unknown>>>,
): FileOutput {
  return { fileName, contentType: 'text/csv; charset=utf-8', body: csvStream(columns, chunks) };
}
