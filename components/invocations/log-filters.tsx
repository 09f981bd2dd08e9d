'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { inputClass } from '@/components/ui/form';
import { LOG_FILTER_NAMES, type LogFilters, logFiltersOf } from './log-params';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const STATUSES = [
  ['', 'All statuses'],
  ['failed', 'Failed only'],
  ['2xx', '2xx success'],
  ['3xx', '3xx redirect'],
  ['4xx', '4xx client error'],
  ['5xx', '5xx server error'],
] as const;

/** The log's filters in the URL, set next to the range (`?from=&to=&tz=` first, untouched). */
function useLogFilters(): [LogFilters, (patch: LogFilters) => void] {
  const pathname = usePathname();
  const filters = logFiltersOf(useSearchParams());
  const set = (patch: LogFilters) => {
    // The address bar, not the last render: two quick changes must not undo each other.
    const params = new URLSearchParams(window.location.search);
    for (const name of LOG_FILTER_NAMES) {
      if (!(name in patch)) continue;
      const value = patch[name];
      if (value) params.set(name, value);
      else params.delete(name);
    }
    const query = params.toString();
    // The browser's own history (Next keeps useSearchParams in step): the log refetches on the client, no server round trip.
    window.history.pushState(null, '', query ? `${pathname}?${query}` : pathname);
  };
  return [filters, set];
}

/** A text filter that applies itself a moment after typing stops (or at once on Enter). */
function TextFilter({
  label,
  value,
  onCommit,
  list,
  placeholder,
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  list: string;
  placeholder: string;
}) {
  const [draft, setDraft] = useState(value);
  // The URL changed elsewhere (a link, Back): show its value (React's "adjust state on a prop change" pattern, no effect).
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }
  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = setTimeout(() => onCommit(draft.trim()), 500);
    return () => clearTimeout(timer);
  }, [draft, value, onCommit]);
  return (
    <label className="flex min-w-0 basis-full flex-col gap-1 text-sm font-medium sm:basis-56">
      {label}
      <input
        type="search"
        list={list}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && onCommit(draft.trim())}
        className={`${inputClass} font-mono`}
      />
    </label>
  );
}

/**
 * `Status`, `Method`, `Route` and `User` of CONTRACT §8, kept in the URL; the
 * route and user boxes suggest what the rows on screen hold.
 */
export function LogFilterControls({ routes, users }: { routes: string[]; users: string[] }) {
  const [filters, set] = useLogFilters();
  const methods = filters.method && !METHODS.includes(filters.method) ? [...METHODS, filters.method] : METHODS;
  return (
    <form role="search" aria-label="Filter the log" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium sm:flex-none">
        Status
        <select
          className={inputClass}
          value={filters.status ?? ''}
          onChange={(e) => set({ status: (e.target.value || undefined) as LogFilters['status'] })}
        >
          {STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium sm:flex-none">
        Method
        <select className={inputClass} value={filters.method ?? ''} onChange={(e) => set({ method: e.target.value || undefined })}>
          <option value="">All methods</option>
          {methods.map((method) => (
            <option key={method} value={method}>
              {method}
            </option>
          ))}
        </select>
      </label>
      <TextFilter
        label="Route"
        list="log-routes"
        placeholder="/api/items/:id"
        value={filters.route ?? ''}
        onCommit={(route) => set({ route: route || undefined })}
      />
      <TextFilter
        label="User"
        list="log-users"
        placeholder="name or anonymous"
        value={filters.user ?? ''}
        onCommit={(user) => set({ user: user || undefined })}
      />
      <datalist id="log-routes">
        {routes.map((route) => (
          <option key={route} value={route} />
        ))}
      </datalist>
      <datalist id="log-users">
        {['anonymous', ...users].map((user) => (
          <option key={user} value={user} />
        ))}
      </datalist>
    </form>
  );
}
