import Link from 'next/link';
import { logHref } from '@/components/invocations/log-params';
import { formatNumber } from '@/lib/format';
import type { ErrorGroup } from '@/server/schemas/activity';
import { ErrorSample } from './error-sample';
import { ZonedTime } from './zoned-time';

const action = 'text-xs text-accent underline underline-offset-2';

/** On a phone, one card per error group (the table's figures, nothing off to the side); `open` is the group showing its sample. */
export function ErrorGroupCards({
  groups,
  range,
  routeId,
  open,
  onToggle,
}: {
  groups: ErrorGroup[];
  range: { from: string; to: string; tz: string };
  routeId: string;
  open: number | null;
  onToggle: (index: number) => void;
}) {
  return (
    <ul aria-label="Error groups" className="divide-y divide-line border-t border-line sm:hidden">
      {groups.map((group, index) => (
        <li key={`${group.method} ${group.route} ${group.message}`} className="space-y-1.5 px-4 py-3 text-sm">
          <div className="flex items-start justify-between gap-2">
            <span className="flex min-w-0 items-center gap-2">
              <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-xs font-semibold">{group.method}</span>
              <span className="min-w-0 font-mono text-xs break-words">{group.route}</span>
            </span>
            <span className="tabular shrink-0 font-semibold">{formatNumber(group.count)}×</span>
          </div>
          <p className="font-mono text-xs whitespace-pre-wrap break-words">{group.message}</p>
          <p className="text-xs text-muted">
            First <ZonedTime at={group.firstSeenAt} tz={range.tz} /> · last <ZonedTime at={group.lastSeenAt} tz={range.tz} /> ({range.tz})
          </p>
          <p className="flex gap-4">
            <button type="button" aria-expanded={open === index} onClick={() => onToggle(index)} className={action}>
              {open === index ? 'Hide sample' : 'Show sample'}
              <span className="sr-only">
                {' '}
                of {group.method} {group.route}: {group.message}
              </span>
            </button>
            <Link href={logHref(routeId, range, { method: group.method, route: group.route, status: 'failed' })} className={action}>
              Open in log
              <span className="sr-only">
                {' '}
                the failed {group.method} {group.route} invocations
              </span>
            </Link>
          </p>
          {open === index && (
            <div className="rounded-md border border-line bg-surface-muted/40 p-3">
              <ErrorSample sample={group.sample} tz={range.tz} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
