'use client';

import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '@/trpc/react';
import type { GridSort } from './grid-sort';

/**
 * The page of rows on screen: the preview's page `page` in the table's own
 * order, or with a sort the sorted grid's page reached by cursors (kept as a
 * stack, so Previous goes back exactly). `shownPage` is the page the data on
 * screen belongs to, which lags `page` while the next one loads.
 */
export function useRowsPage(appId: string, table: string, page: number, size: number, sort: GridSort | null) {
  const sortKey = sort ? `${sort.column}\0${sort.direction}\0${size}` : '';
  const [stack, setStack] = useState<{ key: string; cursors: string[] }>({ key: sortKey, cursors: [] });
  const cursors = stack.key === sortKey ? stack.cursors : [];
  const preview = trpc.stats.preview.useQuery(
    { appId, table, limit: size, offset: (page - 1) * size },
    { placeholderData: keepPreviousData, enabled: !sort },
  );
  const sorted = trpc.workspace.sortedRows.useQuery(
    { appId, table, column: sort?.column ?? '', direction: sort?.direction ?? 'asc', limit: size, cursor: cursors.at(-1) ?? null },
    { placeholderData: keepPreviousData, enabled: sort !== null },
  );
  const query = sort ? sorted : preview;
  const current = sort ? cursors.length + 1 : page;
  // The page the rows on screen belong to, moved on only when that page's own rows arrive.
  const [shown, setShown] = useState(current);
  if (!query.isPlaceholderData && query.data && shown !== current) setShown(current);
  return {
    query,
    page: current,
    shownPage: !query.isPlaceholderData && query.data ? current : shown,
    nextCursor: sort ? (sorted.data?.nextCursor ?? null) : null,
    /** Sorted pages only: go to page `to` (1, one back, or one on with the page's cursor). */
    step(to: number) {
      const next =
        to <= 1 ? [] : to < current ? cursors.slice(0, to - 1) : sorted.data?.nextCursor ? [...cursors, sorted.data.nextCursor] : cursors;
      setStack({ key: sortKey, cursors: next });
    },
  };
}
