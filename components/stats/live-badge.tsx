'use client';

import { useLiveStats } from './use-live-stats';

const LABELS = {
  live: { text: 'Live', title: 'Figures update the moment events are recorded' },
  connecting: { text: 'Connecting…', title: 'Opening the live connection' },
  polling: { text: 'Polling', title: 'The live connection is unavailable; figures refresh every 30 s' },
} as const;

/** The overview's live state as a badge (a dot and a word, never colour alone); keeps the figures moving while mounted. */
export function LiveBadge({ appId }: { appId: string }) {
  const state = useLiveStats(appId);
  const label = LABELS[state];
  return (
    <span
      role="status"
      aria-label={`Live updates: ${label.text}`}
      title={label.title}
      data-state={state}
      className="inline-flex items-center gap-1.5 rounded-full border border-line px-2 py-0.5 text-xs text-muted"
    >
      <span
        aria-hidden="true"
        className={`size-2 rounded-full ${state === 'live' ? 'bg-ok' : state === 'polling' ? 'bg-warn' : 'bg-line'}`}
      />
      {label.text}
    </span>
  );
}
