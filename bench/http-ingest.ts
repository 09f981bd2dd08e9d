import { performance } from 'node:perf_hooks';
import type { Database } from '../server/db/client';
import { type InvocationRow, type ViewEventRow, insertInvocations, insertViewEvents } from '../server/queries/ingest';
import { type BenchRow, throughputRow } from './report';

// Ingestion over HTTP in big batches (issues 6 and 13): POST /views and
// /invocations with `size` events per request, one request after another,
// against the very INSERT the procedures run (server/queries/ingest.ts) of the
// same rows into the same table through the bench's own pool, one after
// another too. The ratio is what the HTTP path (body, validation, token, app,
// user check, transaction) costs on top of the INSERT itself. Batches of one
// are measured by the load run instead, against the bare handler.

const GOAL = 0.5;

type Kind = 'views' | 'invocations';

function viewItems(size: number, userId: string | null): Array<{ viewerId: string | null; viewedAt: string }> {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({ viewerId: i % 3 === 0 ? userId : null, viewedAt: new Date(now - i).toISOString() }));
}

function invocationItems(size: number, round: number, userId: string | null): InvocationRow[] {
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

/** Events per second of `send(round)`, `size` events each, over up to `total` events, bounded by `seconds` (at least 3 rounds). */
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

/** Why a batch falls short: the time per batch each side took, derived from the two rates. */
function why(size: number, http: number, direct: number): string {
  const perBatch = (rowsPerSecond: number) => (size * 1000) / rowsPerSecond;
  const extra = perBatch(http) - perBatch(direct);
  const allowed = perBatch(direct) / GOAL - perBatch(direct);
  return (
    `a batch took ${perBatch(http).toFixed(1)} ms over HTTP and ${perBatch(direct).toFixed(1)} ms as the bare INSERT: the HTTP path adds ` +
    `${extra.toFixed(1)} ms (${((extra * 1000) / size).toFixed(0)} µs per event) where the goal allows ${allowed.toFixed(1)} ms; ` +
    'that is reading the body, validating each event, the token, app and user checks and the transaction around the INSERT.'
  );
}

/**
 * POST /api/apps/{appId}/views and …/invocations on the server at `baseUrl`
 * with `token` (write on the app) in batches of `size`, next to the same
 * INSERT of the same batches through `database` (the server's own database).
 * One row per path: events per second, HTTP as the share of the INSERT.
 */
export async function benchHttpIngest(
  baseUrl: string,
  database: Database,
  appId: string,
  token: string,
  options: { size: number; seconds: number },
): Promise<BenchRow[]> {
  const { size, seconds } = options;
  const { rows: users } = await database.pool.query<{ id: string }>('select owner_id as id from apps where id = $1', [appId]);
  const userId = users[0]?.id ?? null;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const total = Math.min(20_000, Math.max(300, 20 * size));
  const rows: BenchRow[] = [];
  const sides: Record<Kind, { items(round: number): Array<ViewEventRow | InvocationRow>; insert(round: number): Promise<unknown> }> = {
    views: {
      items: () => viewItems(size, userId),
      insert: () => insertViewEvents(database.db, appId, viewItems(size, userId)),
    },
    invocations: {
      items: (round) => invocationItems(size, round, userId),
      insert: (round) => insertInvocations(database.db, appId, invocationItems(size, round, userId)),
    },
  };
  for (const kind of ['views', 'invocations'] as const) {
    const url = `${baseUrl}/api/apps/${appId}/${kind}`;
    const http = await rate(size, total, seconds, async (round) => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(sides[kind].items(round)) });
      const text = await response.text();
      if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 200)}`);
    });
    const direct = await rate(size, total, seconds, async (round) => {
      await sides[kind].insert(round);
    });
    rows.push(
      throughputRow(`POST /${kind}, batches of ${size}`, http, direct, 'the same INSERT, direct', {
        atLeast: GOAL,
        why: why(size, http, direct),
      }),
    );
  }
  return rows;
}
