import type { ReactNode } from 'react';
import { StatusChip } from '@/components/invocations/status-chip';
import { formatDuration, formatMiB } from '@/lib/format';
import type { ErrorGroup } from '@/server/schemas/activity';
import { ZonedTime } from './zoned-time';

/** The newest invocation of a group, every field of §5 `recent[]`, the error whole. */
export function ErrorSample({ sample, tz }: { sample: ErrorGroup['sample']; tz: string }) {
  const fields: [string, ReactNode][] = [
    ['Started', <ZonedTime key="at" at={sample.startedAt} tz={tz} named />],
    [
      'Method',
      <span key="m" className="font-mono">
        {sample.method}
      </span>,
    ],
    [
      'Path',
      <span key="p" className="font-mono break-all">
        {sample.path}
      </span>,
    ],
    ['User', sample.username ?? <span className="italic text-muted">anonymous</span>],
    ['Duration', formatDuration(sample.durationMs)],
    ['Status', <StatusChip key="s" code={sample.statusCode} />],
    ['Memory', sample.memoryPeakBytes === null ? <span className="text-muted">none</span> : formatMiB(sample.memoryPeakBytes)],
  ];
  return (
    <div className="space-y-2 text-sm">
      <p className="font-medium">The newest invocation of this group</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr_auto_1fr]">
        {fields.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted">{label}</dt>
            <dd className="min-w-0">{value}</dd>
          </div>
        ))}
      </dl>
      <div>
        <p className="text-muted">Error</p>
        {sample.error === null ? (
          <p className="italic text-muted">none (the status alone marks it failed)</p>
        ) : (
          <pre className="mt-1 max-h-64 overflow-auto rounded-md border border-line bg-surface-muted p-2 font-mono text-xs whitespace-pre-wrap break-all">
            {sample.error}
          </pre>
        )}
      </div>
    </div>
  );
}
