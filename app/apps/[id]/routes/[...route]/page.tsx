import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { LOG_PAGE } from '@/components/invocations/log-params';
import { rangeParamsOfRecord } from '@/components/range/range-params';
import { ROUTE_ERRORS_LIMIT, routeOfSlug, slugOfPath } from '@/components/routes/route-path';
import { NoSuchRoute, RouteView } from '@/components/routes/route-view';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

interface Params {
  id: string;
  route: string[];
}

/**
 * The method and route the address names. The path as it was asked for
 * (`x-appstats-path`, set by proxy.ts) is decoded here exactly once per
 * segment, whether or not Next has decoded its params; the params are the
 * fallback.
 */
async function routeOfPage(params: Params) {
  const asked = slugOfPath((await headers()).get('x-appstats-path'));
  return routeOfSlug(asked ?? params.route.map((segment) => encodeURIComponent(routeParam(segment))));
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const resolved = await params;
  const [app, named] = await Promise.all([appForPage(routeParam(resolved.id)), routeOfPage(resolved)]);
  if (!app) return { title: 'App not found' };
  return { title: named ? `${app.name} · ${named.method} ${named.route}` : `${app.name} · Routes` };
}

/** /apps/{id}/routes/{METHOD}{route}: one route over the range, its error groups and recent calls; a reader gets the "no access" state. */
export default async function RoutePage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const resolved = await params;
  const appId = routeParam(resolved.id);
  const range = rangeParamsOfRecord(await searchParams);
  const [app, named] = await Promise.all([appForPage(appId), routeOfPage(resolved)]);
  if (!app?.canWrite) return <NoAccess what="this app's routes" />;
  if (!named) return <NoSuchRoute routeId={appId} />;
  const { method, route } = named;
  // The same inputs as the client's queries (route-range-card, route-errors, invocation-log with fixed filters), so they hydrate.
  await Promise.all([
    serverTrpc.activity.route.prefetch({ appId, ...range, method, route }),
    serverTrpc.activity.errors.prefetch({ appId, ...range, method, route, limit: ROUTE_ERRORS_LIMIT }),
    serverTrpc.activity.invocations.prefetchInfinite({ appId, ...range, method, route, limit: LOG_PAGE }),
    serverTrpc.activity.rawSince.prefetch({ appId }),
  ]);
  return (
    <HydrateClient>
      <RouteView appId={appId} routeId={appId} naturalId={app.naturalId} method={method} route={route} />
    </HydrateClient>
  );
}
