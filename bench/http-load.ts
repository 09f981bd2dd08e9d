import autocannon from 'autocannon';

// The load run of issue 7: autocannon against the four documented paths for a
// few seconds each at 50 connections, next to GET /api/ping (a constant answer
// through the same framework path, the ceiling the REST paths can reach).
// Bounded in time and connections, and loopback only. The server under load
// needs TOKEN_RATE_LIMIT=0 (requests per minute per token; 0 = off), or the
// token's budget turns most answers into 429s.

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
  requestsPerSec: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  /** requestsPerSec over that of /api/ping (1 = as fast as the framework's constant route). */
  ratioToPing: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface Target {
  label: string;
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}

function targets(appId: string, table: string): Target[] {
  const app = `/api/apps/${encodeURIComponent(appId)}`;
  return [
    { label: 'GET /api/ping', path: '/api/ping', method: 'GET' },
    { label: 'GET /stats', path: `${app}/stats`, method: 'GET' },
    { label: 'GET /stats/tables', path: `${app}/stats/tables`, method: 'GET' },
    {
      label: 'POST /stats/tables/{table}/preview',
      path: `${app}/stats/tables/${encodeURIComponent(table)}/preview`,
      method: 'POST',
      body: '{}',
    },
    { label: 'GET /stats/api', path: `${app}/stats/api`, method: 'GET' },
  ];
}

const bounded = (value: number | undefined, fallback: number, max: number) => Math.min(max, Math.max(1, Math.floor(value ?? fallback)));

/**
 * Runs autocannon against /api/ping and each of the four seed paths in turn,
 * `seconds` each at `connections` connections; returns one row per path,
 * /api/ping first, with requests per second, p50/p99 in ms, errors, non-2xx
 * answers and the ratio of requests per second to /api/ping's.
 */
export async function benchHttpLoad(options: HttpLoadOptions): Promise<HttpLoadRow[]> {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' || !LOOPBACK.has(base.hostname))
    throw new Error(`benchHttpLoad runs against loopback only, not ${base.host}`);
  const seconds = bounded(options.seconds, 30, 120);
  const connections = bounded(options.connections, 50, 200);
  const measured: Array<Omit<HttpLoadRow, 'ratioToPing'>> = [];
  for (const target of targets(options.appId, options.table)) {
    const result = await autocannon({
      url: new URL(target.path, base).toString(),
      method: target.method,
      headers: { authorization: `Bearer ${options.token}`, ...(target.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(target.body === undefined ? {} : { body: target.body }),
      connections,
      duration: seconds,
      timeout: 10,
    });
    measured.push({
      path: target.label,
      requestsPerSec: Math.round(result.requests.average * 10) / 10,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors,
      non2xx: result.non2xx,
    });
  }
  const ping = measured[0]?.requestsPerSec ?? 0;
  return measured.map((row) => ({ ...row, ratioToPing: ping > 0 ? Math.round((row.requestsPerSec / ping) * 1000) / 1000 : 0 }));
}
