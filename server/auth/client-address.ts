import { isIP } from 'node:net';

/**
 * How many reverse proxies in front of the server append to X-Forwarded-For:
 * TRUST_PROXY unset or `false` → 0, `true` → 1, or a number of hops (0–10).
 */
export function trustedProxyHops(value = process.env.TRUST_PROXY): number {
  if (value === undefined || value === '' || value === 'false') return 0;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value) && Number(value) <= 10) return Number(value);
  throw new Error('Invalid environment variable TRUST_PROXY: must be true, false or a number of proxy hops (0-10)');
}

/**
 * The caller's address, or null when it cannot be known. The one place that decides.
 *
 * Behind TRUST_PROXY hops, the address our nearest trusted proxy saw: the
 * hops-th entry of X-Forwarded-For counted from the right (entries further
 * left were written by the client and prove nothing). Without a trusted proxy
 * there is no trustworthy source: Next's route handlers do not expose the
 * socket, and the X-Forwarded-For Next fills in is kept verbatim when the
 * client sends one, so it can be forged. Then null, and callers fall back to
 * limits that do not depend on the address.
 */
export function clientAddress(headers: Headers, hops = trustedProxyHops()): string | null {
  if (hops === 0) return null;
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const candidate = entries[entries.length - hops];
  if (!candidate) return null;
  const bare = candidate.replace(/^\[(.*)\](?::\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  return isIP(bare) ? bare.toLowerCase() : null;
}
