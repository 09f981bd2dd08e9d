import { LogFilterFields, type StatusFilter } from '@/server/schemas/activity';

/** The log filters a page's URL names (`?status=&method=&route=&user=`), each optional. */
export interface LogFilters {
  status?: StatusFilter;
  method?: string;
  route?: string;
  user?: string;
}

export const LOG_FILTER_NAMES = ['status', 'method', 'route', 'user'] as const;

/** Reads the filters from search parameters with the procedure's own schemas, dropping a value it would refuse. */
export function logFiltersOf(search: { get(name: string): string | null }): LogFilters {
  const filters: LogFilters = {};
  for (const name of LOG_FILTER_NAMES) {
    const parsed = LogFilterFields[name].safeParse(search.get(name) ?? undefined);
    if (parsed.success && parsed.data !== undefined) Object.assign(filters, { [name]: parsed.data });
  }
  return filters;
}

/** The same from a server page's `searchParams` object. */
export function logFiltersOfRecord(search: Record<string, string | string[] | undefined>): LogFilters {
  return logFiltersOf({ get: (name) => (typeof search[name] === 'string' ? (search[name] as string) : null) });
}

/** The API page's link to its log filtered to these values over a range (the Errors tab uses it). */
export function logHref(routeId: string, range: { from: string; to: string; tz: string }, filters: LogFilters): string {
  const search = new URLSearchParams({ from: range.from, to: range.to });
  if (range.tz !== 'UTC') search.set('tz', range.tz);
  for (const name of LOG_FILTER_NAMES) {
    const value = filters[name];
    if (value) search.set(name, value);
  }
  return `/apps/${encodeURIComponent(routeId)}/api?${search.toString()}`;
}

/** The page size of the log: one `Load more` appends this many. */
export const LOG_PAGE = 100;
