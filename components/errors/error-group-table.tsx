'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import { logHref } from '@/components/invocations/log-params';
import { formatNumber } from '@/lib/format';
import type { ErrorGroup } from '@/server/schemas/activity';
import { ErrorGroupCards } from './error-group-cards';
import { ErrorSample } from './error-sample';
import { ZonedTime } from './zoned-time';

const th =
  'sticky top-0 z-10 border-b border-line bg-surface-muted px-3 py-2 text-xs font-semibold uppercase tracking-wide text-muted whitespace-nowrap';
const td = 'border-b border-line px-3 py-2 align-top';

interface Range {
  from: string;
  to: string;
  tz: string;
}

/**
 * The range's error groups, largest first: method, route, message, count,
 * first and last seen in the chosen zone; each row opens its newest
 * invocation in place and links to the API page's log filtered to it. A
 * table on wider screens, a card per group on a phone.
 */
export function ErrorGroupTable({ groups, range, routeId }: { groups: ErrorGroup[]; range: Range; routeId: string }) {
  const [open, setOpen] = useState<number | null>(null);
  const toggle = (index: number) => setOpen(open === index ? null : index);
  return (
    <>
      <ErrorGroupCards groups={groups} range={range} routeId={routeId} open={open} onToggle={toggle} />
      <ErrorGroupGrid groups={groups} range={range} routeId={routeId} open={open} onToggle={toggle} />
    </>
  );
}

function ErrorGroupGrid({
  groups,
  range,
  routeId,
  open,
  onToggle,
}: {
  groups: ErrorGroup[];
  range: Range;
  routeId: string;
  open: number | null;
  onToggle: (index: number) => void;
}) {
  return (
    <div className="relative hidden max-h-[75vh] overflow-auto sm:block" tabIndex={0} role="region" aria-label="Error groups">
      <table className="min-w-full border-separate border-spacing-0 text-sm">
        <caption className="sr-only">
          Failed invocations grouped by method, route and message, the largest groups first. Times in {range.tz}; the exact UTC instant is
          each time&apos;s title.
        </caption>
        <thead>
          <tr>
            <th scope="col" className={`${th} text-left`}>
              Method
            </th>
            <th scope="col" className={`${th} text-left`}>
              Route
            </th>
            <th scope="col" className={`${th} text-left`}>
              Message
            </th>
            <th scope="col" className={`${th} text-right`}>
              Count
            </th>
            <th scope="col" className={`${th} text-left`}>
              First seen ({range.tz})
            </th>
            <th scope="col" className={`${th} text-left`}>
              Last seen ({range.tz})
            </th>
            <th scope="col" className={`${th} text-left`}>
              <span className="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group, index) => {
            const expanded = open === index;
            const name = `${group.method} ${group.route}: ${group.message}`;
            return (
              <Fragment key={`${group.method} ${group.route} ${group.message}`}>
                <tr>
                  <td className={td}>
                    <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-xs font-semibold">{group.method}</span>
                  </td>
                  <td className={`${td} font-mono text-xs`}>
                    <span className="block max-w-[16rem] break-words">{group.route}</span>
                  </td>
                  <td className={`${td} text-xs`}>
                    <span className="block max-w-[24rem] min-w-[12rem] font-mono whitespace-pre-wrap break-words">{group.message}</span>
                  </td>
                  <td className={`${td} tabular text-right font-semibold`}>{formatNumber(group.count)}</td>
                  <td className={td}>
                    <ZonedTime at={group.firstSeenAt} tz={range.tz} />
                  </td>
                  <td className={td}>
                    <ZonedTime at={group.lastSeenAt} tz={range.tz} />
                  </td>
                  <td className={`${td} whitespace-nowrap`}>
                    <span className="flex items-center gap-3">
                      <button
                        type="button"
                        aria-expanded={expanded}
                        onClick={() => onToggle(index)}
                        className="text-xs text-accent underline underline-offset-2"
                      >
                        {expanded ? 'Hide sample' : 'Show sample'}
                        <span className="sr-only"> of {name}</span>
                      </button>
                      <Link
                        href={logHref(routeId, range, { method: group.method, route: group.route, status: 'failed' })}
                        className="text-xs text-accent underline underline-offset-2"
                      >
                        Open in log
                        <span className="sr-only">
                          {' '}
                          the failed {group.method} {group.route} invocations
                        </span>
                      </Link>
                    </span>
                  </td>
                </tr>
                {expanded && (
                  <tr id={`sample-${index}`}>
                    <td colSpan={7} className={`${td} bg-surface-muted/40`}>
                      <ErrorSample sample={group.sample} tz={range.tz} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
