import type { ReactNode } from 'react';
import { ZonedTime } from '@/components/errors/zoned-time';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatRelative, formatUtc } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';

type Overview = RouterOutputs['stats']['overview'];

/** What a card shows where there is nothing to measure: not a zero, which would read as a fact. */
const NONE = '—';
const NO_DATA = 'No data yet';

/** A figure's change against the previous period, as shown and as spoken. */
export interface Change {
  text: string;
  spoken: string;
}

function StatCard({
  label,
  value,
  title,
  tone,
  change,
  children,
}: {
  label: string;
  value: string;
  title?: string;
  tone?: 'warn' | 'error';
  change?: Change;
  children: ReactNode;
}) {
  const color = tone === 'error' ? 'text-error' : tone === 'warn' ? 'text-warn' : '';
  return (
    <div role="group" aria-label={label} className="min-w-0 rounded-xl border border-line bg-surface px-4 py-3">
      <p className="text-sm text-muted">{label}</p>
      <p className={`tabular mt-1 text-xl font-semibold tracking-tight break-words sm:text-2xl ${color}`} title={title}>
        {value === NONE ? (
          <>
            <span aria-hidden="true">{NONE}</span>
            <span className="sr-only">none</span>
          </>
        ) : (
          value
        )}
      </p>
      {change && (
        <p className="mt-0.5 text-xs font-medium">
          <span aria-hidden="true">{change.text}</span>
          <span className="sr-only">{change.spoken}</span>
        </p>
      )}
      <p className="mt-0.5 text-xs text-muted">{children}</p>
    </div>
  );
}

/** Amber over 1 %, red over 5 %; the words say it too. */
export function errorRateTone(rate: number): { tone?: 'warn' | 'error'; word: string } {
  if (rate > 5) return { tone: 'error', word: 'high' };
  if (rate > 1) return { tone: 'warn', word: 'elevated' };
  return { word: 'healthy' };
}

type Range = RouterOutputs['insights']['range'];
type Figures = Range['totals'];

/** The change of a figure against the previous period: the arrow line a card shows, and its words for screen readers. */
export function changeOf(current: number | null, previous: number | null): Change {
  if (current === null || previous === null)
    return { text: 'no previous figure', spoken: 'nothing to compare with in the previous period' };
  if (previous === 0) {
    return current === 0
      ? { text: 'no change vs previous period', spoken: 'no change against the previous period' }
      : { text: 'new vs previous period', spoken: 'none in the previous period' };
  }
  const percent = Math.round(((current - previous) / previous) * 100);
  if (percent === 0) return { text: '± 0 % vs previous period', spoken: 'unchanged against the previous period' };
  const size = formatNumber(Math.abs(percent));
  return percent > 0
    ? { text: `↑ ${size} % vs previous period`, spoken: `up ${size} percent against the previous period` }
    : { text: `↓ ${size} % vs previous period`, spoken: `down ${size} percent against the previous period` };
}

/**
 * The overview's eight cards (CONTRACT §8 "Pages"): the range's figures of
 * GET /stats/range, each with its change against the previous period, and
 * the all-time figures of GET /stats as a secondary line.
 */
export function StatCards({ overview, range, now }: { overview: Overview; range: Range; now: number }) {
  const { totals } = range;
  const change = (pick: (f: Figures) => number | null) => changeOf(pick(totals), pick(range.previous));
  const rate = errorRateTone(totals.errorRate);
  const lastViewed = overview.lastViewedAt;
  // Durations, rates and compute time mean something only over invocations that ran.
  const ran = totals.invocations > 0;
  const none = overview.api.totalInvocations === 0 ? NO_DATA : 'no invocations in this range';
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatCard label="Views" value={formatNumber(totals.views)} change={change((f) => f.views)}>
        {formatNumber(overview.totalViews)} all time
      </StatCard>
      <StatCard label="Unique viewers" value={overview.totalViews > 0 ? formatNumber(overview.uniqueViewers) : NONE}>
        {overview.totalViews > 0 ? 'signed-in viewers, all time' : NO_DATA}
      </StatCard>
      <StatCard
        label="Last viewed"
        value={lastViewed ? formatRelative(lastViewed, now) : NONE}
        title={lastViewed ? formatUtc(lastViewed, true) : undefined}
      >
        {lastViewed ? <ZonedTime at={lastViewed} tz={range.tz} named /> : 'no views yet'}
      </StatCard>
      <StatCard label="Invocations" value={formatNumber(totals.invocations)} change={change((f) => f.invocations)}>
        {formatNumber(overview.api.totalInvocations)} all time
      </StatCard>
      <StatCard
        label="Avg duration"
        value={ran ? formatDuration(totals.avgDurationMs) : NONE}
        change={ran ? change((f) => f.avgDurationMs) : undefined}
      >
        {ran ? `per invocation · p95 ${formatDuration(totals.p95DurationMs ?? 0)}` : none}
      </StatCard>
      <StatCard
        label="Error rate"
        value={ran ? formatPercent(totals.errorRate) : NONE}
        tone={ran ? rate.tone : undefined}
        change={ran ? change((f) => f.errorRate) : undefined}
      >
        {ran ? `${rate.word} · ${formatNumber(totals.failed)} failed` : none}
      </StatCard>
      <StatCard
        label="Peak memory"
        value={totals.peakMemoryBytes > 0 ? formatBytes(totals.peakMemoryBytes) : NONE}
        change={totals.peakMemoryBytes > 0 ? change((f) => f.peakMemoryBytes) : undefined}
      >
        {totals.peakMemoryBytes > 0 ? 'largest invocation in the range' : ran ? 'no invocation reported its memory' : none}
      </StatCard>
      <StatCard
        label="Compute time"
        value={ran ? formatDuration(totals.computeMs) : NONE}
        change={ran ? change((f) => f.computeMs) : undefined}
      >
        {ran ? `total · ${formatDuration(overview.api.totalComputeMs)} in the last 30 days` : none}
      </StatCard>
    </div>
  );
}
