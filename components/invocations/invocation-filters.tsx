'use client';

export type StatusClass = 'all' | '2xx' | '3xx' | '4xx' | '5xx' | 'failed';

export interface InvocationFilter {
  status: StatusClass;
  method: string;
  path: string;
}

export const NO_FILTER: InvocationFilter = { status: 'all', method: 'all', path: '' };

/** Whether an invocation passes the filter; "failed" follows the contract (an error, or status 500 and up). */
export function matches(
  filter: InvocationFilter,
  row: { statusCode: number; method: string; path: string; error: string | null },
): boolean {
  if (filter.method !== 'all' && row.method !== filter.method) return false;
  if (filter.path && !row.path.toLowerCase().includes(filter.path.trim().toLowerCase())) return false;
  if (filter.status === 'all') return true;
  if (filter.status === 'failed') return row.error !== null || row.statusCode >= 500;
  return `${Math.floor(row.statusCode / 100)}xx` === filter.status;
}

const control = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';

/** Status class, method and a path search, each a labelled control. */
export function InvocationFilters({
  filter,
  methods,
  onChange,
}: {
  filter: InvocationFilter;
  methods: string[];
  onChange: (next: InvocationFilter) => void;
}) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium sm:flex-none">
        Status
        <select value={filter.status} onChange={(e) => onChange({ ...filter, status: e.target.value as StatusClass })} className={control}>
          <option value="all">All statuses</option>
          <option value="2xx">2xx success</option>
          <option value="3xx">3xx redirect</option>
          <option value="4xx">4xx client error</option>
          <option value="5xx">5xx server error</option>
          <option value="failed">Failed (error or 5xx)</option>
        </select>
      </label>
      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium sm:flex-none">
        Method
        <select value={filter.method} onChange={(e) => onChange({ ...filter, method: e.target.value })} className={control}>
          <option value="all">All methods</option>
          {methods.map((method) => (
            <option key={method} value={method}>
              {method}
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 basis-full flex-col gap-1 text-sm font-medium sm:basis-64">
        Search path
        <input
          type="search"
          value={filter.path}
          placeholder="/api/…"
          onChange={(e) => onChange({ ...filter, path: e.target.value })}
          className={`${control} font-mono`}
        />
      </label>
    </div>
  );
}
