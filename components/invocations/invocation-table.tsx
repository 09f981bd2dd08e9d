import { ExpandableText } from '@/components/ui/expandable-text';
import { formatDuration, formatMiB, formatRelative, formatUtc } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';
import { StatusChip } from './status-chip';

type Invocation = RouterOutputs['stats']['api']['recent'][number];

function None() {
  return (
    <span className="text-muted">
      <span aria-hidden="true">—</span>
      <span className="sr-only">none</span>
    </span>
  );
}

const th =
  'sticky top-0 z-10 border-b border-line bg-surface-muted px-3 py-2 text-xs font-semibold uppercase tracking-wide text-muted whitespace-nowrap';
const td = 'border-b border-line px-3 py-1.5 align-top';

/** The recent invocations, newest first, in a box that scrolls sideways on a phone. */
export function InvocationTable({ rows, now }: { rows: Invocation[]; now: number }) {
  return (
    <div className="relative max-h-[70vh] overflow-auto" tabIndex={0} role="region" aria-label="Recent invocations">
      <table className="min-w-full border-separate border-spacing-0 text-sm">
        <caption className="sr-only">Recent invocations, newest first. Times in UTC.</caption>
        <thead>
          <tr>
            <th scope="col" className={`${th} text-left`}>
              Time (UTC)
            </th>
            <th scope="col" className={`${th} text-left`}>
              Method
            </th>
            <th scope="col" className={`${th} text-left`}>
              Path
            </th>
            <th scope="col" className={`${th} text-left`}>
              User
            </th>
            <th scope="col" className={`${th} text-right`}>
              Duration
            </th>
            <th scope="col" className={`${th} text-left`}>
              Status
            </th>
            <th scope="col" className={`${th} text-right`}>
              Memory
            </th>
            <th scope="col" className={`${th} text-left`}>
              Error
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={`${row.startedAt}-${index}`}>
              <td className={`${td} whitespace-nowrap`}>
                <time dateTime={row.startedAt} title={formatUtc(row.startedAt, true)}>
                  {formatRelative(row.startedAt, now)}
                </time>
              </td>
              <td className={td}>
                <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-xs font-semibold">{row.method}</span>
              </td>
              <td className={`${td} font-mono text-xs`}>
                <span className="block max-w-[22rem] truncate" title={row.path}>
                  {row.path}
                </span>
              </td>
              <td className={`${td} whitespace-nowrap`}>{row.username ?? <span className="italic text-muted">anonymous</span>}</td>
              <td className={`${td} tabular text-right whitespace-nowrap`}>{formatDuration(row.durationMs)}</td>
              <td className={td}>
                <StatusChip code={row.statusCode} />
              </td>
              <td className={`${td} tabular text-right whitespace-nowrap`}>
                {row.memoryPeakBytes === null ? <None /> : formatMiB(row.memoryPeakBytes)}
              </td>
              <td className={`${td} text-xs`}>
                {row.error ? (
                  <ExpandableText text={row.error} label={`the error at ${formatUtc(row.startedAt, true)}`} width="max-w-[16rem]" />
                ) : (
                  <None />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
