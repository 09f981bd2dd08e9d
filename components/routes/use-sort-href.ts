'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import type { RouteSort } from '@/server/schemas/routes';

/** The URL of this page sorted by `sort` (the default, `calls`, leaves `sort` out); the range and everything else stay. */
export function useSortHref(): (sort: RouteSort) => string {
  const pathname = usePathname();
  const search = useSearchParams();
  return (sort) => {
    const next = new URLSearchParams(search.toString());
    if (sort === 'calls') next.delete('sort');
    else next.set('sort', sort);
    const query = next.toString();
    return query ? `${pathname}?${query}` : pathname;
  };
}
