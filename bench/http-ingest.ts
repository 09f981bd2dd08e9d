import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable } from 'kysely';
import type { Database } from '../server/db/client';
import type { RouteInvocationsTable } from '../server/db/types';
import { freePort } from '../server/embedded/postgres';
import { type BenchRow, throughputRow } from './report';

// Ingestion over HTTP (POST /api/apps/{id}/invocations, issue 6) against a
// direct multi-row INSERT of the very same rows into the same table, one batch
// after another for both, so the ratio is what the HTTP path (auth, parsing,
// validation, user check, transaction) costs on top of the INSERT itself.

export interface HttpIngestOptions {
  /** Batch sizes to measure (default 1, 100, 1000). */
  sizes?: number[];
  /** Events sent per batch size and per side, at most (default 100 × size, between 300 and 20000). */
  events?: (size: number) => number;
  /** Seconds each side may spend per batch size before stopping early (at least 3 batches). */
  seconds?: number;
}

const WHY: Record<number, string> = {
  1: 'one event per request pays a whole HTTP request, token check, app resolution and a transaction of its own.',
  100: 'JSON parsing and zod validation of every item, then the user check, add to the INSERT.',
  1000: 'JSON parsing and zod validation of every item, then the user check, add to the INSERT.',
};
const GOAL: Record<number, number> = { 1: 0.05, 100: 0.3, 1000: 0.4 };

function invocations(size: number, round: number, userId: string | null): Array<Record<string, string | number | null>> {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({
    method: i % 5 === 0 ? 'POST' : 'GET',
    path: `/bench/${(round * size + i) % 50}`,
    userId: i % 3 === 0 ? userId : null,
    startedAt: new Date(now - i).toISOString(),
    durationMs: (i * 37) % 900,
    statusCode: i % 40 === 0 ? 500 : 200,
    memoryPeakBytes: (i % 100) * 4096,
    error: i % 40 === 0 ? 'Error: bench' : null,
  }));
}

const toRow =
  (appId: string) =>
  (e: Record<string, string | number | null>): Insertable<RouteInvocationsTable> => ({
    app_id: appId,
    method: String(e.method),
    path: String(e.path),
    user_id: e.userId === null ? null : String(e.userId),
    started_at: String(e.startedAt),
    duration_ms: Number(e.durationMs),
    status_code: Number(e.statusCode),
    memory_peak_bytes: e.memoryPeakBytes,
    error: e.error === null ? null : String(e.error),
  });

/** Events per second of `send(batch)` over up to `total` events, bounded by `seconds`. */
async function rate(size: number, total: number, seconds: number, send: (round: number) => Promise<void>): Promise<number> {
  for (let round = 0; round < 2; round++) await send(round);
  let sent = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  for (let round = 0; sent < total && (round < 3 || performance.now() < deadline); round++) {
    await send(round);
    sent += size;
  }
  return (sent * 1000) / (performance.now() - start);
}

/**
 * POST /api/apps/{appId}/invocations on the server at `baseUrl` with `token`
 * (write on the app; run that server with TOKEN_RATE_LIMIT=0 so batches of 1
 * are not throttled), next to `insert into route_invocations … values (…), …`
 * of the same batches through `database` (the server's own database).
 * One row per batch size, events per second, HTTP as the share of the INSERT.
 */
export async function benchHttpIngest(
  baseUrl: string,
  database: Database,
  appId: string,
  token: string,
  options: HttpIngestOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { rows: users } = await database.pool.query<{ id: string }>('select owner_id as id from apps where id = $1', [appId]);
  const userId = users[0]?.id ?? null;
  const url = `${baseUrl}/api/apps/${appId}/invocations`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (const size of options.sizes ?? [1, 100, 1000]) {
    const total = options.events?.(size) ?? Math.min(20_000, Math.max(300, 100 * size));
    const seconds = options.seconds ?? 15;
    const http = await rate(size, total, seconds, async (round) => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(invocations(size, round, userId)) });
      const text = await response.text();
      if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 200)}`);
    });
    const direct = await rate(size, total, seconds, async (round) => {
      await database.db
        .insertInto('route_invocations')
        .values(invocations(size, round, userId).map(toRow(appId)))
        .execute();
    });
    const goal = GOAL[size] ?? 0.3;
    rows.push(
      throughputRow(`POST /invocations, batches of ${size}`, http, direct, 'multi-row INSERT', {
        atLeast: goal,
        why: WHY[size] ?? WHY[1000] ?? '',
      }),
    );
  }
  return rows;
}

/**
 * Starts `next start` from the production build in `distDir` (run `next build`
 * first, e.g. `NEXT_DIST_DIR=.next-bench npx next build`) against `databaseUrl`,
 * with the per-token rate limit off. Resolves with its base URL and a stop function.
 */
export async function startAppServer(databaseUrl: string, distDir = '.next'): Promise<{ baseUrl: string; stop(): void }> {
  if (!existsSync(path.join(distDir, 'BUILD_ID')))
    throw new Error(`no production build in ${distDir}: run \`NEXT_DIST_DIR=${distDir} npx next build\` first`);
  const port = await freePort();
  const server = spawn(path.resolve('node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NEXT_DIST_DIR: distDir,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString('hex'),
      TOKEN_RATE_LIMIT: '0',
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}`);
    try {
      await fetch(`${baseUrl}/login`);
      return { baseUrl, stop: () => server.kill() };
    } catch {
      if (Date.now() > deadline) {
        server.kill();
        throw new Error(`next start did not answer on ${baseUrl} within 60 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
