'use client';

import { useEffect, useState } from 'react';
import { LiveStatsEvent } from '@/server/schemas/live';
import { trpc } from '@/trpc/react';

/** `live` while the stream is open; `polling` while it cannot connect (the 30 s refresh carries on); `connecting` at first. */
export type LiveState = 'connecting' | 'live' | 'polling';

/** How long to wait before opening the stream again after the server refused or closed it. */
const REOPEN_MS = 15_000;

/**
 * Follows GET /api/apps/{id}/stats/live and refetches the overview's queries
 * when an event's totals differ from what is shown (tRPC's own cache, so the
 * figures and charts move without a reload). EventSource reconnects by itself
 * after a dropped connection; a refused one (401, 404) is opened again after
 * REOPEN_MS, and meanwhile the queries' own polling keeps the figures fresh.
 */
export function useLiveStats(appId: string): LiveState {
  const utils = trpc.useUtils();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let lastInvocations: number | null = null;
    const open = () => {
      source = new EventSource(`/api/apps/${encodeURIComponent(appId)}/stats/live`);
      source.addEventListener('stats', (message: MessageEvent<string>) => {
        let totals: LiveStatsEvent;
        try {
          totals = LiveStatsEvent.parse(JSON.parse(message.data));
        } catch {
          return;
        }
        setState('live');
        const shown = utils.stats.overview.getData({ appId });
        if (shown && (shown.totalViews !== totals.totalViews || shown.api.totalInvocations !== totals.totalInvocations)) {
          void utils.stats.overview.invalidate({ appId });
          // Every range of the app (whatever the URL names) moves with the totals.
          void utils.insights.range.invalidate();
        }
        if (lastInvocations !== null && lastInvocations !== totals.totalInvocations) void utils.apps.invocationsByDay.invalidate({ appId });
        lastInvocations = totals.totalInvocations;
      });
      source.addEventListener('error', () => {
        setState('polling');
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          reopen = setTimeout(open, REOPEN_MS);
        }
      });
    };
    open();
    return () => {
      clearTimeout(reopen);
      source?.close();
    };
  }, [appId, utils]);
  return state;
}
