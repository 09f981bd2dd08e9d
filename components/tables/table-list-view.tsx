'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import { BreakableName } from '@/components/ui/breakable-name';
import { Skeleton } from '@/components/ui/skeleton';
import { formatBytes, formatNumber, formatRowCount } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';
import { ColumnList } from './column-list';

type Table = RouterOutputs['stats']['tables'][number];

const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-muted sm:px-4';
const td = 'px-3 py-2 sm:px-4';

/** Name, rows, size and columns of each table; "Show columns" expands a row in place. */
export function TableListView({ appId, tables }: { appId: string; tables: Table[] }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (name: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  return (
    <div className="relative overflow-x-auto rounded-xl border border-line bg-surface">
      <table className="w-full min-w-[20rem] border-collapse text-sm">
        <caption className="sr-only">Tables of the workspace</caption>
        <thead className="border-b border-line">
          <tr>
            <th scope="col" className={th}>
              Table
            </th>
            <th scope="col" className={`${th} text-right`}>
              Rows
            </th>
            <th scope="col" className={`${th} text-right`}>
              Size
            </th>
            <th scope="col" className={th}>
              Columns
            </th>
          </tr>
        </thead>
        <tbody>
          {tables.map((table) => {
            const expanded = open.has(table.name);
            const estimated = table.rowCountEstimated === true;
            const panelId = `columns-${table.name.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
            return (
              <Fragment key={table.name}>
                <tr className="border-b border-line last:border-b-0">
                  <th scope="row" className={`${td} text-left font-mono font-medium break-words`}>
                    <Link
                      href={`/apps/${encodeURIComponent(appId)}/tables/${encodeURIComponent(table.name)}`}
                      className="text-accent underline-offset-2 hover:underline"
                    >
                      <BreakableName name={table.name} />
                    </Link>
                  </th>
                  <td
                    className={`${td} tabular whitespace-nowrap text-right`}
                    title={estimated ? `About ${formatNumber(table.rowCount)} rows (estimate)` : undefined}
                  >
                    {formatRowCount(table.rowCount, estimated)}
                  </td>
                  <td className={`${td} tabular whitespace-nowrap text-right`}>{formatBytes(table.sizeBytes)}</td>
                  <td className={`${td} whitespace-nowrap`}>
                    <button
                      type="button"
                      aria-expanded={expanded}
                      aria-controls={panelId}
                      onClick={() => toggle(table.name)}
                      className="inline-flex items-center gap-1 rounded text-sm text-fg hover:underline"
                    >
                      <span
                        aria-hidden="true"
                        className={`inline-block transition-transform motion-reduce:transition-none ${expanded ? 'rotate-90' : ''}`}
                      >
                        ▸
                      </span>
                      {table.columns.length} {table.columns.length === 1 ? 'column' : 'columns'}
                      <span className="sr-only"> of {table.name}</span>
                    </button>
                  </td>
                </tr>
                {expanded && (
                  <tr id={panelId} className="border-b border-line bg-surface-muted/50 last:border-b-0">
                    <td colSpan={4} className="max-w-0 px-3 py-3 sm:px-4">
                      <ColumnList appId={appId} table={table.name} columns={table.columns} />
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

/** Placeholder rows of the list's own height. */
export function TableListSkeleton() {
  return (
    <div className="rounded-xl border border-line bg-surface">
      <Skeleton className="mx-4 mt-3 mb-2 h-5 w-64" />
      {Array.from({ length: 4 }, (_, i) => (
        <div key={i} className="flex gap-4 border-t border-line px-4 py-2">
          <Skeleton className="h-5 flex-1" />
          <Skeleton className="h-5 w-16" />
          <Skeleton className="h-5 w-16" />
          <Skeleton className="h-5 w-24" />
        </div>
      ))}
    </div>
  );
}
