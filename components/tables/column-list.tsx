'use client';

import { Badge } from '@/components/ui/badge';
import { type RouterOutputs, trpc } from '@/trpc/react';

type Column = RouterOutputs['stats']['tables'][number]['columns'][number];

/**
 * A table's columns in their order: name, type, nullable, and PK / IDX badges.
 * Types read as the rows page names them (`text[]`, not the catalog's `ARRAY`).
 */
export function ColumnList({ appId, table, columns }: { appId: string; table: string; columns: Column[] }) {
  const described = trpc.workspace.columns.useQuery({ appId, table }, { retry: false });
  const types = new Map((described.data?.columns ?? []).map((c) => [c.name, c.type]));
  return (
    <div className="overflow-x-auto" role="region" aria-label={`Columns of ${table}, scrolls sideways`} tabIndex={0}>
      <table className="w-auto border-collapse text-sm">
        <caption className="sr-only">Columns of {table}</caption>
        <thead>
          <tr className="text-left text-xs text-muted">
            <th scope="col" className="py-1 pr-6 font-medium">
              Column
            </th>
            <th scope="col" className="py-1 pr-6 font-medium">
              Type
            </th>
            <th scope="col" className="py-1 pr-6 font-medium">
              Nullable
            </th>
            <th scope="col" className="py-1 font-medium">
              Keys
            </th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column) => (
            <tr key={column.name}>
              <th scope="row" className="py-1 pr-6 text-left font-mono font-normal">
                {column.name}
              </th>
              <td className="py-1 pr-6 font-mono text-muted">{types.get(column.name) ?? column.type}</td>
              <td className="py-1 pr-6">{column.nullable ? 'yes' : 'no'}</td>
              <td className="flex gap-1 py-1">
                {column.primaryKey && (
                  <Badge tone="accent" title="Primary key">
                    PK
                  </Badge>
                )}
                {column.indexed && <Badge title="Part of an index">IDX</Badge>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
