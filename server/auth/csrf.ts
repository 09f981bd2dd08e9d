import type { Principal } from './principal';

/**
 * Whether a browser says this request comes from another site (CSRF), the
 * rule of Go's `http.CrossOriginProtection`:
 * - `Sec-Fetch-Site` present: only `same-origin` and `none` (typed URL,
 *   bookmark) are at home; `same-site` (a sibling subdomain) and `cross-site` are not.
 * - otherwise `Origin` present: it must name this host (`null` never does).
 * - neither: not a browser (curl, a service) or a same-origin request from an
 *   old browser; every browser that can be made to send a cross-site request
 *   sends at least one of them.
 * `host` is the host the client addressed (Host, or X-Forwarded-Host behind a trusted proxy).
 */
export function isCrossSite(headers: Headers, host: string | null): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null) return site !== 'same-origin' && site !== 'none';
  const origin = headers.get('origin');
  if (origin === null) return false;
  try {
    return host === null || new URL(origin).host !== host.toLowerCase();
  } catch {
    return true;
  }
}

/** The host the client addressed: X-Forwarded-Host's first entry behind a trusted proxy, else Host. */
export function requestHost(headers: Headers, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return forwarded || headers.get('host');
}

export const CROSS_SITE_MESSAGE = 'Cross-site request refused: send it from this site or with an API token';

/**
 * Whether a mutation must be refused as cross-site: the browser marked it so
 * and it is not authenticated by a bearer token (a page on another site cannot
 * attach one; it can only ride on the session cookie or sign the browser in).
 */
export function refusesCrossSiteMutation(request: { crossSite: boolean } | undefined, principal: Principal | null): boolean {
  return request?.crossSite === true && principal?.via !== 'token';
}
