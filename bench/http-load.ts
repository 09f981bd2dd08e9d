import autocannon from 'autocannon';

// The load run (issues 7 and 13): autocannon against the six documented REST
// paths for a few seconds each at 50 connections, next to GET /api/ping (a
// constant answer through the same framework path, the framework's own
// ceiling). Bounded in time and connections, and loopback only. The ingestion
// paths are loaded with one event per request. The server under load must not
// refuse the token's budget (bench/servers.ts sets a limit the run never
// reaches), or most answers turn into 429s.

export interface HttpLoadOptions {
  /** The server, e.g. http://127.0.0.1:3000: loopback only. */
  baseUrl: string;
  /** A bearer token of a user who can write to the app. */
  token: string;
  /** The app's UUID or natural id. */
  appId: string;
  /** A table of the app's workspace, for the preview. */
  table: string;
  /** Seconds per path (default 30, at most 120). */
  seconds?: number;
  /** Concurrent connections (default 50, at most 200). */
  connections?: number;
}

export interface HttpLoadRow {
  /** `GET /api/ping` or the method and path pattern, e.g. `GET /stats`. */
  path: string;
  /** Answers with a 2xx status per second: a fast refusal is no throughput. */
  requestsPerSec: number;
  /** Latency percentiles of the 2xx answers, in milliseconds. */
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  /** requestsPerSec over that of /api/ping (1 = as fast as the framework's constant route). */
  ratioToPing: number;
}

/** One kind of request of the load run. */
export interface LoadTarget {
  label: string;
  path: string;
  method: 'GET' | 'POST';
  body?: string;
  /** Whether the path reads the workspace, on connections of its own as the workspace's reader. */
  readsWorkspace?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** GET /api/ping: the framework's constant answer. */
export const PING: LoadTarget = { label: 'GET /api/ping', path: '/api/ping', method: 'GET' };

/** The six REST paths of an app, in the order the report lists them; ingestion with one event per request. */
export function loadTargets(appId: string, table: string, now: Date = new Date()): LoadTarget[] {
  const app = `/api/apps/${encodeURIComponent(appId)}`;
  const invocation = { method: 'GET', path: '/bench/load', startedAt: now.toISOString(), durationMs: 12, statusCode: 200 };
  return [
    { label: 'GET /stats', path: `${app}/stats`, method: 'GET', readsWorkspace: true },
    { label: 'GET /stats/api', path: `${app}/stats/api`, method: 'GET' },
    { label: 'GET /stats/tables', path: `${app}/stats/tables`, method: 'GET', readsWorkspace: true },
    {
      label: 'POST /stats/tables/{table}/preview',
      path: `${app}/stats/tables/${encodeURIComponent(table)}/preview`,
      method: 'POST',
      body: '{}',
      readsWorkspace: true,
    },
    { label: 'POST /views', path: `${app}/views`, method: 'POST', body: JSON.stringify({ viewerId: null }) },
    { label: 'POST /invocations', path: `${app}/invocations`, method: 'POST', body: JSON.stringify(invocation) },
  ];
}

const bounded = (value: number | undefined, fallback: number, max: number) => Math.min(max, Math.max(1, Math.floor(value ?? fallback)));

/** Runs autocannon against one target of the server at `baseUrl` (loopback only); `ratioToPing` is left at 0. */
export async function loadTarget(
  baseUrl: string,
  target: LoadTarget,
  options: { token: string; seconds?: number; connections?: number },
): Promise<HttpLoadRow> {
  const base = new URL(baseUrl);
  if (base.protocol !== 'http:' || !LOOPBACK.has(base.hostname)) throw new Error(`the load run is loopback only, not ${base.host}`);
  const request = {
    url: new URL(target.path, base).toString(),
    method: target.method,
    headers: { authorization: `Bearer ${options.token}`, ...(target.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(target.body === undefined ? {} : { body: target.body }),
  };
  // A warm-up first: the server loads a route's code and opens its connections on the first requests.
  await autocannon({ ...request, connections: 5, amount: 100, timeout: 10 });
  const result = await autocannon({
    ...request,
    connections: bounded(options.connections, 50, 200),
    duration: bounded(options.seconds, 30, 120),
    timeout: 10,
    excludeErrorStats: true,
  });
  return {
    path: target.label,
    requestsPerSec: Math.round((result['2xx'] / Math.max(result.duration, 1e-3)) * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    ratioToPing: 0,
  };
}

/** `requestsPerSec` over `ping`'s, to three decimals. */
export function ratioTo(row: { requestsPerSec: number }, ping: { requestsPerSec: number } | undefined): number {
  const reference = ping?.requestsPerSec ?? 0;
  return reference > 0 ? Math.round((row.requestsPerSec / reference) * 1000) / 1000 : 0;
}

/**
 * Runs autocannon against /api/ping and each of the six REST paths in turn,
 * `seconds` each at `connections` connections; returns one row per path,
 * /api/ping first, with requests per second, p50/p99 in ms, errors, non-2xx
 * answers and the ratio of requests per second to /api/ping's.
 */
export async function benchHttpLoad(options: HttpLoadOptions): Promise<HttpLoadRow[]> {
  const measured: HttpLoadRow[] = [];
  for (const target of [PING, ...loadTargets(options.appId, options.table)]) {
    measured.push(await loadTarget(options.baseUrl, target, options));
  }
  return measured.map((row) => ({ ...row, ratioToPing: ratioTo(row, measured[0]) }));
}
