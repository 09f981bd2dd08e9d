import { formatInZone } from '@/components/errors/zoned-time';
import { ExpandableText } from '@/components/ui/expandable-text';
import { formatDuration, formatMiB, formatRelative, formatUtc } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';
import { StatusChip } from './status-chip';
import { DAY_MS } from '@/lib/range';

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

/**
 * When a call started: how long ago within the last day, else its wall-clock
 * time in the page's zone; the exact UTC instant in `title` (the same on the table and the cards).
 */
function When({ at, now, tz }: { at: string; now: number; tz: string }) {
  return (
    <time dateTime={at} title={formatUtc(at, true)} className="whitespace-nowrap">
      {now - Date.parse(at) < DAY_MS ? formatRelative(at, now) : formatInZone(at, tz)}
    </time>
  );
}

/** On a phone, one card per call: nothing hidden off to the side, every figure whole. */
function InvocationCards({ rows, now, tz }: { rows: Invocation[]; now: number; tz: string }) {
  return (
    <ul aria-label="Recent invocations" className="divide-y divide-line border-t border-line sm:hidden">
      {rows.map((row, index) => (
        <li key={`${row.startedAt}-${index}`} className="space-y-1 px-4 py-2.5 text-sm">
          <div className="flex items-center justify-between gap-2">
            <span className="flex min-w-0 items-center gap-2">
              <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-xs font-semibold">{row.method}</span>
              <StatusChip code={row.statusCode} />
            </span>
            <span className="shrink-0 text-xs text-muted">
              <When at={row.startedAt} now={now} tz={tz} />
            </span>
          </div>
          <p className="font-mono text-xs break-all">{row.path}</p>
          <p className="tabular flex flex-wrap gap-x-3 text-xs text-muted">
            <span>{row.username ?? <span className="italic">anonymous</span>}</span>
            <span>{formatDuration(row.durationMs)}</span>
            {row.memoryPeakBytes !== null && <span>{formatMiB(row.memoryPeakBytes)}</span>}
          </p>
          {row.error && (
            <div className="text-xs">
              <ExpandableText text={row.error} label={`the error at ${formatUtc(row.startedAt, true)}`} width="max-w-[16rem]" />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The recent invocations, newest first: a table on wider screens (scrolling
 * sideways in its own box if it must), a card per call on a phone. Times read
 * "3 min ago" within a day, else on the clock of `tz`; the exact UTC instant on hover.
 */
export function InvocationTable({ rows, now, tz = 'UTC' }: { rows: Invocation[]; now: number; tz?: string }) {
  return (
    <>
      <InvocationCards rows={rows} now={now} tz={tz} />
      <InvocationGrid rows={rows} now={now} tz={tz} />
    </>
  );
}

function InvocationGrid({ rows, now, tz }: { rows: Invocation[]; now: number; tz: string }) {
  return (
    <div className="relative hidden max-h-[70vh] overflow-auto sm:block" tabIndex={0} role="region" aria-label="Recent invocations">
      <table className="min-w-full border-separate border-spacing-0 text-sm">
        <caption className="sr-only">
          Recent invocations, newest first. Each time says how long ago; its exact UTC instant is its title.
        </caption>
        <thead>
          <tr>
            <th scope="col" className={`${th} text-left`}>
              When
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
                <When at={row.startedAt} now={now} tz={tz} />
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
