'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useId } from 'react';
import { useHydrated } from '@/components/charts/use-hydrated';
import { inputClass } from '@/components/ui/form';
import { type RangePreset, isCalendarDay, presetDays, presetOf } from '@/lib/range';
import { ianaName, ianaZones } from '@/lib/time-zones';
import { type RangeParams, rangeParamsOf } from './range-params';

const PRESET_LABELS: Record<RangePreset, string> = {
  today: 'Today',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  month: 'This month',
  custom: 'Custom',
};

/** UTC first, the browser's zone next, then every canonical IANA name this browser knows. */
function zoneChoices(browserZone: string | undefined, chosen: string): string[] {
  const all = ianaZones();
  const first = ['UTC', ...(browserZone && browserZone !== 'UTC' ? [browserZone] : [])];
  const rest = all.filter((zone) => !first.includes(zone));
  return [...first, ...(first.includes(chosen) || rest.includes(chosen) ? [] : [chosen]), ...rest];
}

/**
 * The `Range`, `From`, `To` and `Time zone` controls of CONTRACT §8 "Pages",
 * kept in the URL (`?from=&to=&tz=`; no `tz` means UTC). `shown` are the days
 * the server resolved for the current URL, so the inputs always show the
 * range's days, defaults included.
 */
export function RangeControl({ shown }: { shown?: { from: string; to: string } }) {
  const id = useId();
  const router = useRouter();
  const pathname = usePathname();
  const current = useSearchParams();
  const params = rangeParamsOf(current);
  // The browser's zone and clock are known only after hydration: the server renders without them.
  const hydrated = useHydrated();
  const browserZone = hydrated ? ianaName(Intl.DateTimeFormat().resolvedOptions().timeZone) : undefined;
  const now = hydrated ? new Date() : undefined;

  const tz = params.tz ?? 'UTC';
  const days = shown ?? (params.from && params.to ? { from: params.from, to: params.to } : undefined);
  const preset: RangePreset = days && now ? presetOf(days.from, days.to, tz, now) : params.from || params.to ? 'custom' : '30d';

  const go = (next: RangeParams) => {
    const search = new URLSearchParams();
    if (next.from) search.set('from', next.from);
    if (next.to) search.set('to', next.to);
    if (next.tz && next.tz !== 'UTC') search.set('tz', next.tz);
    // The page's other parameters (the log's filters) stay, after the range.
    current.forEach((value, name) => {
      if (!['from', 'to', 'tz'].includes(name)) search.append(name, value);
    });
    const query = search.toString();
    router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  const pick = (value: RangePreset) => {
    if (value === 'custom') return go({ ...params, from: days?.from, to: days?.to });
    go({ ...params, ...presetDays(value, tz, now ?? new Date()) });
  };
  const setDay = (field: 'from' | 'to', value: string) => {
    if (!isCalendarDay(value)) return;
    go({ ...params, from: days?.from, to: days?.to, [field]: value });
  };

  const field = (name: string) => ({ id: `${id}-${name}` });
  const label = (name: string, text: string) => (
    <label htmlFor={`${id}-${name}`} className="mb-1 block text-sm font-medium">
      {text}
    </label>
  );
  return (
    <form role="search" aria-label="Days shown" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <div>
        {label('range', 'Range')}
        <select {...field('range')} className={`${inputClass} w-40`} value={preset} onChange={(e) => pick(e.target.value as RangePreset)}>
          {Object.entries(PRESET_LABELS).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </div>
      <div>
        {label('from', 'From')}
        <input
          {...field('from')}
          type="date"
          className={`${inputClass} w-40`}
          value={days?.from ?? ''}
          onChange={(e) => setDay('from', e.target.value)}
        />
      </div>
      <div>
        {label('to', 'To')}
        <input
          {...field('to')}
          type="date"
          className={`${inputClass} w-40`}
          value={days?.to ?? ''}
          onChange={(e) => setDay('to', e.target.value)}
        />
      </div>
      <div className="min-w-0">
        {label('tz', 'Time zone')}
        <select
          {...field('tz')}
          className={`${inputClass} w-56 max-w-full`}
          value={tz}
          onChange={(e) => go({ ...params, tz: e.target.value })}
        >
          {zoneChoices(browserZone, tz).map((zone) => (
            <option key={zone} value={zone}>
              {zone === browserZone && zone !== 'UTC' ? `${zone} (this browser)` : zone}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
