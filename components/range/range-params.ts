import { isCalendarDay } from '@/lib/range';

/** The range a page's URL names: `?from=&to=&tz=`, each optional (the server applies the defaults). */
export interface RangeParams {
  from?: string;
  to?: string;
  tz?: string;
}

/** Reads the range from search parameters, dropping days that are not calendar days (the page then shows the default). */
export function rangeParamsOf(search: { get(name: string): string | null }): RangeParams {
  const day = (name: string) => {
    const value = search.get(name);
    return value && isCalendarDay(value) ? value : undefined;
  };
  const tz = search.get('tz') || undefined;
  const params: RangeParams = {};
  const from = day('from');
  const to = day('to');
  if (from) params.from = from;
  if (to) params.to = to;
  if (tz && tz !== 'UTC') params.tz = tz;
  return params;
}

/** The same from a server page's `searchParams` object. */
export function rangeParamsOfRecord(search: Record<string, string | string[] | undefined>): RangeParams {
  return rangeParamsOf({ get: (name) => (typeof search[name] === 'string' ? (search[name] as string) : null) });
}
