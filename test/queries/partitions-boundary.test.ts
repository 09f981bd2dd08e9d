import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups } from '../../server/queries/stats/maintain';
import { ensurePartitions } from '../../server/queries/stats/retention';
import { getApiSummary, getViewStats } from '../../server/queries/stats/read';
import * as raw from '../oracle/stats-raw';
import { cli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

// Writers keep inserting into the parent tables across a month boundary
// (issue 18): COPY and single rows land in the partition of their own month,
// the rollup triggers on the parent see every row, and a row far beyond the
// months created ahead goes to the default partition until the service makes
// its month.

const database = useTestDatabase();
const now = new Date();
// The boundary between next month and the one after: both exist ahead of time.
const boundary = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
const around = (ms: number) => new Date(boundary.getTime() + ms).toISOString();
const suffix = (at: Date) => `_y${at.getUTCFullYear()}m${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
const before = suffix(new Date(boundary.getTime() - 1));
const after = suffix(boundary);
let client: pg.Client;
let appId: string;

beforeAll(async () => {
  client = new pg.Client({ connectionString: database.current.url });
  await client.connect();
  appId = (await makeApp(database.current.db, await makeUser(database.current.db))).id;
});
afterAll(async () => client.end());

/** Which partition holds each row of the app, by its time. */
async function placed(table: 'view_events' | 'route_invocations'): Promise<Array<[string, string]>> {
  const column = table === 'view_events' ? 'viewed_at' : 'started_at';
  const { rows } = await client.query<{ at: Date; part: string }>(
    `select ${column} as at, tableoid::regclass::text as part from ${table} where app_id = $1 order by 1, 2`,
    [appId],
  );
  return rows.map((row) => [row.at.toISOString(), row.part]);
}

async function expectConsistent(): Promise<void> {
  const db = database.current.db;
  expect(await checkRollups(db, appId)).toEqual([]);
  expect(await getViewStats(db, appId, now)).toEqual(await raw.getViewStats(db, appId, now));
  expect(await getApiSummary(db, appId, now)).toEqual(await raw.getApiSummary(db, appId, now));
}

describe('writes across a month boundary', () => {
  it('routes a COPY that spans the boundary row by row into both months', async () => {
    const times = [-60_000, -1, 0, 1, 60_000].map(around);
    const views = times.map((at) => `${appId}\t\\N\t${at}\n`).join('');
    await pipeline(Readable.from([views]), client.query(copyFrom('copy view_events (app_id, viewer_id, viewed_at) from stdin')));
    const calls = times.map((at, i) => `${appId}\tGET\t/b/${i}\t${at}\t${10 + i}\t${i % 2 ? 500 : 200}\n`).join('');
    await pipeline(
      Readable.from([calls]),
      client.query(copyFrom('copy route_invocations (app_id, method, path, started_at, duration_ms, status_code) from stdin')),
    );
    for (const table of ['view_events', 'route_invocations'] as const) {
      expect(await placed(table)).toEqual(times.map((at, i) => [at, `${table}${i < 2 ? before : after}`]));
    }
    await expectConsistent();
  });

  it('routes single-row inserts, each its own statement, the same way', async () => {
    for (const ms of [-2, 2]) {
      await client.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, around(ms)]);
      await client.query(
        `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code) values ($1, 'POST', '/one', $2, 3, 201)`,
        [appId, around(ms)],
      );
    }
    const { rows } = await client.query<{ part: string; n: string }>(
      `select tableoid::regclass::text as part, count(*) as n from route_invocations where app_id = $1 and path = '/one' group by 1 order by 1`,
      [appId],
    );
    expect(rows.map((row) => [row.part, Number(row.n)])).toEqual([
      [`route_invocations${before}`, 1],
      [`route_invocations${after}`, 1],
    ]);
    await expectConsistent();
  });

  it('keeps a far-off row in the default partition until its month is made, then moves it there', async () => {
    const far = '2099-07-04T12:00:00.000Z';
    await client.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, far]);
    const where = async () =>
      (
        await client.query<{ part: string }>(
          'select tableoid::regclass::text as part from view_events where app_id = $1 and viewed_at = $2',
          [appId, far],
        )
      ).rows[0]?.part;
    expect(await where()).toBe('view_events_default');
    expect((await ensurePartitions(database.current.db)).created).toBeGreaterThanOrEqual(1);
    expect(await where()).toBe('view_events_y2099m07');
    const { rows } = await sql<{ n: string }>`select count(*) as n from view_events_default`.execute(database.current.db);
    expect(Number(rows[0]?.n)).toBe(0);
    await expectConsistent();
  });

  it('makes the months of a backfill ahead of it with partitions:ensure --since', { timeout: 60_000 }, async () => {
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
    const result = await cli(database.current.url, 'partitions:ensure', '--since', since.toISOString().slice(0, 10));
    expect(result.stderr).toBe('');
    // Two months back and one back, for each of the two tables; this month and those ahead existed.
    expect(result.json).toEqual({ created: 4 });
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from pg_catalog.pg_inherits where inhparent = 'view_events'::regclass
        and inhrelid = ${`view_events${suffix(since)}`}::regclass`.execute(database.current.db);
    expect(Number(rows[0]?.n)).toBe(1);
    const bad = await cli(database.current.url, 'partitions:ensure', '--since', 'last year');
    expect(bad.stderr.trim()).toMatch(/^Invalid --since: /);
  });
});
