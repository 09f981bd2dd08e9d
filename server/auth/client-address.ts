import { isIP } from 'node:net';
import { env } from '../env';

/**
 * How many reverse proxies in front of the server append to X-Forwarded-For:
 * TRUST_PROXY unset or `false` → 0, `true` → 1, or a number of hops (0–10), parsed in server/env.ts.
 */
export function trustedProxyHops(): number {
  return env().TRUST_PROXY;
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

// An IPv6 address as its eight 16-bit groups, or null when it is not one.
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  const halves = address.split('::');
  const parse = (part: string | undefined): number[] =>
    (part ? part.split(':') : []).flatMap((piece) => {
      if (!piece.includes('.')) return [parseInt(piece, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
      return [a * 256 + b, c * 256 + d];
    });
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * The block an address is counted under by rate limits: an IPv4 address
 * stands for itself, an IPv6 address for its /64 (one subscriber is usually
 * given a whole /64, so counting single IPv6 addresses would hand an attacker
 * 2^64 fresh counters), and an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`)
 * for its IPv4 address. Null for anything that is not an IP address.
 */
export function addressGroup(address: string): string | null {
  const bare = address.replace(/%.*$/, '');
  if (isIP(bare) === 4) return bare;
  const groups = ipv6Groups(bare);
  if (!groups) return null;
  if (groups.slice(0, 6).every((g, i) => g === (i === 5 ? 0xffff : 0))) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
