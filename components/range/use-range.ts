'use client';

import { useSearchParams } from 'next/navigation';
import { trpc } from '@/trpc/react';
import { type RangeParams, rangeParamsOf } from './range-params';

/** The range the page's URL names, and GET /stats/range over it (defaults applied by the server). */
export function useRange(appId: string) {
  const params: RangeParams = rangeParamsOf(useSearchParams());
  const query = trpc.insights.range.useQuery({ appId, ...params }, { placeholderData: (previous) => previous });
  return { params, query };
}

/** The query string of the range for a REST link (`Download CSV`): `from`, `to`, `tz` as the page shows them. */
export function rangeSearch(range: { from: string; to: string; tz: string }, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ from: range.from, to: range.to, tz: range.tz, ...extra }).toString();
}
