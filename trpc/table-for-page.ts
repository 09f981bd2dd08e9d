import 'server-only';
import { headers } from 'next/headers';
import { routeParam } from '@/lib/route-param';
import { serverTrpc } from './server';

// The page of a workspace table streams below loading screens (app/apps/[id]/loading.tsx,
// tables/loading.tsx): a notFound() thrown there would answer 200. The app's
// layout, which renders before anything streams, asks this instead.

/** The table a page path names (`/apps/{id}/tables/{table}`, query string ignored), decoded as the page reads it; null for any other path. */
export function tableOfPath(path: string | null): string | null {
  const segment = path ? /^\/apps\/[^/?#]+\/tables\/([^/?#]+)(?:[?#]|$)/.exec(path)?.[1] : undefined;
  return segment ? routeParam(segment) : null;
}

/**
 * Whether this request is for the page of a table that is not one of the
 * app's workspace tables (as `stats.tables` lists them), so the layout can
 * answer the 404 page with status 404. False for any other page, for a caller
 * who cannot write (the page shows "no access"), and when the list cannot be
 * read (the page answers as it would without this check).
 */
export async function isMissingTablePage(appId: string, canWrite: boolean): Promise<boolean> {
  const table = tableOfPath((await headers()).get('x-appstats-path'));
  if (table === null || !canWrite) return false;
  const tables = await serverTrpc.stats.tables({ appId }).catch(() => null);
  return tables !== null && !tables.some((t) => t.name === table);
}
