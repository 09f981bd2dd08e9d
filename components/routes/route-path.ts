import { type RangeParams, rangeParamsOf } from '@/components/range/range-params';
import { LogFilterFields } from '@/server/schemas/activity';
import { RouteSort } from '@/server/schemas/routes';

// A route's page is /apps/{id}/routes/{METHOD}{route} (CONTRACT §8 "Pages"):
// `/apps/shop/routes/GET/api/items/:id`. Each segment of the route is
// percent-encoded on its own (`:` stays readable), so the path names the route
// exactly: a trailing slash is carried in its last segment as `%2F` (Next
// redirects a URL that ends in `/`), the route `/` is the method alone, and
// `(other)`, the routes past the tracked ones, is its own segment.

const OTHER = '(other)';

const segment = (text: string) => encodeURIComponent(text).replaceAll('%3A', ':');

/** The path below `/routes/` of one route: `GET/api/items/:id`. */
export function routeSlug(method: string, route: string): string {
  if (route === '/' || route === '') return segment(method);
  // `(other)` as it is; any other route that does not start with `/` (a path the tenant wrote so) is taken as if it did.
  if (route === OTHER || !route.startsWith('/')) return `${segment(method)}/${segment(route)}`;
  const parts = route.slice(1).split('/');
  // A route that ends in `/` keeps it inside its last segment: `/api/items/` → `api/items%2F`.
  if (parts.length > 1 && parts.at(-1) === '') {
    parts.pop();
    parts[parts.length - 1] += '/';
  }
  // A real route `/(other)` must not read as the routes past the tracked ones.
  if (parts.length === 1 && parts[0] === OTHER) return `${segment(method)}/%28other%29`;
  return `${segment(method)}/${parts.map(segment).join('/')}`;
}

/** The page of one route, with the range (and nothing else) of the page it is linked from. */
export function routeHref(routeId: string, method: string, route: string, search?: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const name of ['from', 'to', 'tz']) {
    const value = search?.get(name);
    if (value) kept.set(name, value);
  }
  const query = kept.toString();
  return `/apps/${encodeURIComponent(routeId)}/routes/${routeSlug(method, route)}${query ? `?${query}` : ''}`;
}

function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The method and route that a route page's path segments name, each segment
 * as sent (percent-encoded) and decoded here exactly once; null when they name
 * none (no method, a method or route the log's filters refuse, bad encoding).
 */
export function routeOfSlug(raw: readonly string[]): { method: string; route: string } | null {
  const parts = raw.map(decoded);
  if (parts.length === 0 || parts.some((part) => part === null)) return null;
  const [method, ...segments] = parts as string[];
  const route = segments.length === 1 && raw[1] === OTHER ? OTHER : `/${segments.join('/')}`;
  const checked = { method: LogFilterFields.method.safeParse(method), route: LogFilterFields.route.safeParse(route) };
  if (!checked.method.data || !checked.route.data) return null;
  return { method: checked.method.data, route: checked.route.data };
}

/** The segments below `/apps/{id}/routes/` of a page path as sent (query string ignored), or null for another path. */
export function slugOfPath(path: string | null): string[] | null {
  const match = path ? /^\/apps\/[^/?#]+\/routes\/([^?#]+)/.exec(path) : null;
  return match?.[1] ? match[1].split('/').filter((part, index, all) => part !== '' || index < all.length - 1) : null;
}

/** How many routes the tab (and its CSV) shows: the most the path answers. */
export const ROUTES_LIMIT = 100;

/** How many of a route's error groups its page (and their CSV) shows: the most the path answers. */
export const ROUTE_ERRORS_LIMIT = 100;

/** The sort the URL names (`?sort=failed`), the path's default (`calls`) when it names none it knows. */
export function routeSortOf(search: { get(name: string): string | null }): RouteSort {
  const parsed = RouteSort.safeParse(search.get('sort') ?? undefined);
  return parsed.success ? parsed.data : 'calls';
}

/** The input of `activity.route` that a route page's URL names: the route and the range (the server prefetches the same). */
export function routeRangeInput(appId: string, method: string, route: string, search: { get(name: string): string | null }) {
  const range: RangeParams = rangeParamsOf(search);
  return { appId, ...range, method, route };
}
