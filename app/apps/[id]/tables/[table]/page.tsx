import type { Metadata } from 'next';
import { TableRows } from '@/components/tables/table-rows';
import { parseSort } from '@/components/tables/grid-sort';
import { NoAccess } from '@/components/ui/states';
import { parsePaging } from '@/lib/paging';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string; table: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // Next 16 hands generateMetadata the segment already decoded (the page gets it encoded).
  return { title: `${(await params).table} · Tables` };
}

export default async function TableRowsPage({ params, searchParams }: Props) {
  const { id, table: rawTable } = await params;
  const appId = routeParam(id);
  const table = routeParam(rawTable);
  const app = await appForPage(appId);
  if (!app?.canWrite) return <NoAccess what="this app's tables" />;
  const query = await searchParams;
  const { page, size } = parsePaging(query);
  const sort = parseSort(typeof query.sort === 'string' ? query.sort : null, typeof query.dir === 'string' ? query.dir : null);
  await Promise.all([
    sort
      ? serverTrpc.workspace.sortedRows.prefetch({
          appId,
          table,
          column: sort.column,
          direction: sort.direction,
          limit: size,
          cursor: null,
        })
      : serverTrpc.stats.preview.prefetch({ appId, table, limit: size, offset: (page - 1) * size }),
    serverTrpc.stats.tables.prefetch({ appId }),
    serverTrpc.workspace.columns.prefetch({ appId, table }),
  ]);
  return (
    <HydrateClient>
      <TableRows appId={appId} table={table} />
    </HydrateClient>
  );
}
