import type { RouteRange } from '@/server/schemas/routes';

// The route chart's own CSV: there is no REST path for one route's series, so
// the link carries the series on screen as a `data:` URL. Every cell is a
// number, an ISO instant or a YYYY-MM-DD[THH:MM] label, none of which needs
// quoting under RFC 4180; null is an empty cell, records end in CRLF, as in
// CONTRACT §8 "Export".

const COLUMNS = [
  'start',
  'local',
  'invocations',
  'failed',
  'computeMs',
  'avgDurationMs',
  'p50DurationMs',
  'p95DurationMs',
  'p99DurationMs',
  'peakMemoryBytes',
] as const satisfies readonly (keyof RouteRange['series'][number])[];

/** The series as CSV text: a header of the JSON field names, one record per hour or day. */
export function seriesCsv(series: RouteRange['series']): string {
  const records = series.map((entry) => COLUMNS.map((column) => (entry[column] === null ? '' : String(entry[column]))).join(','));
  return [COLUMNS.join(','), ...records].map((record) => `${record}\r\n`).join('');
}

/**
 * `<naturalId>-route-<METHOD>-<route>-<from>-<to>-<tz with / as _>.csv`, after §8's names for a range's CSV;
 * the route's runs of characters a file name may not hold everywhere (`/`, `:`…) become one `_`.
 */
export function seriesFileName(naturalId: string, range: Pick<RouteRange, 'method' | 'route' | 'from' | 'to' | 'tz'>): string {
  const route = range.route.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
  return `${naturalId}-route-${range.method}-${route}-${range.from}-${range.to}-${range.tz.replaceAll('/', '_')}.csv`;
}

/** A `data:` URL of CSV text. */
export function csvDataUrl(text: string): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(text)}`;
}
