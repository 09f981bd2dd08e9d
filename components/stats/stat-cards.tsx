import type { ReactNode } from 'react';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatRelative, formatUtc } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';

type Overview = RouterOutputs['stats']['overview'];

function StatCard({
  label,
  value,
  title,
  tone,
  children,
}: {
  label: string;
  value: string;
  title?: string;
  tone?: 'warn' | 'error';
  children: ReactNode;
}) {
  const color = tone === 'error' ? 'text-error' : tone === 'warn' ? 'text-warn' : '';
  return (
    <div role="group" aria-label={label} className="min-w-0 rounded-xl border border-line bg-surface px-4 py-3">
      <p className="text-sm text-muted">{label}</p>
      <p className={`tabular mt-1 truncate text-2xl font-semibold tracking-tight ${color}`} title={title}>
        {value}
      </p>
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

/** The figures of GET /stats as eight cards: views first, then the API's health. */
export function StatCards({ overview, now }: { overview: Overview; now: number }) {
  const { api } = overview;
  const rate = errorRateTone(api.errorRate30d);
  const lastViewed = overview.lastViewedAt;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatCard label="Views" value={formatNumber(overview.totalViews)}>
        {formatNumber(overview.views7d)} in 7 days · {formatNumber(overview.views30d)} in 30 days
      </StatCard>
      <StatCard label="Unique viewers" value={formatNumber(overview.uniqueViewers)}>
        signed-in viewers, all time
      </StatCard>
      <StatCard
        label="Last viewed"
        value={lastViewed ? formatRelative(lastViewed, now) : 'Never'}
        title={lastViewed ? formatUtc(lastViewed, true) : undefined}
      >
        {lastViewed ? <time dateTime={lastViewed}>{formatUtc(lastViewed)}</time> : 'no views yet'}
      </StatCard>
      <StatCard label="Invocations (30 days)" value={formatNumber(api.invocations30d)}>
        {formatNumber(api.invocations7d)} in 7 days · {formatNumber(api.totalInvocations)} all time
      </StatCard>
      <StatCard label="Avg duration" value={formatDuration(api.avgDurationMs)}>
        per invocation, last 30 days
      </StatCard>
      <StatCard label="Error rate" value={formatPercent(api.errorRate30d)} tone={rate.tone}>
        {rate.word} · {formatNumber(api.errorCount30d)} failed in 30 days
      </StatCard>
      <StatCard label="Peak memory" value={formatBytes(api.peakMemoryBytes)}>
        largest invocation, last 30 days
      </StatCard>
      <StatCard label="Compute time" value={formatDuration(api.totalComputeMs)}>
        total, last 30 days
      </StatCard>
    </div>
  );
}
