import { sql } from 'kysely';
import pg from 'pg';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { restRoute } from '../../server/rest/route';
import { callerFor } from '../helpers/fixtures';
import { useRestFixture } from '../helpers/rest-fixture';
import { type Answer, call } from '../helpers/http';
import { expectCode } from '../helpers/errors';

// A table too slow or too busy to read: the preview's lock timeout (1 s) and
// statement timeout (5 s) end it with a clear 503 and Retry-After, not a 500,
// and the next preview works (the connection that timed out is not reused broken).

const f = useRestFixture('test/http/fault-slow-table.test.ts');
const base = f.base;
const BUSY = 'The workspace is busy (locked or read by many requests at once); try again shortly';
const SLOW = 'The workspace is too slow to read right now (its statement ran out of time); try again shortly';

const t = (name: string) => sql.id(f.schema, name);

beforeAll(async () => {
  const db = f.database.db;
  await sql`create table ${t('busy')} (n int primary key)`.execute(db);
  await sql`insert into ${t('busy')} values (1)`.execute(db);
  // Planning any query on it costs 30 s for a workspace reader: the planner folds the immutable function of its partial index.
  await sql`create function ${t('crawl')}() returns int language plpgsql immutable as $$
    begin
      if current_user like '%\_reader\_%' then perform pg_catalog.pg_sleep(30); end if;
      return 1;
    end $$`.execute(db);
  await sql`create table ${t('slow')} (n int)`.execute(db);
  await sql`insert into ${t('slow')} values (1)`.execute(db);
  await sql.raw(`create index on ${pg.escapeIdentifier(f.schema)}.slow (n) where ${pg.escapeIdentifier(f.schema)}.crawl() = 1`).execute(db);
});

const preview = (table: string): Promise<Answer> =>
  call(base, `/api/apps/${f.app.id}/stats/tables/${table}/preview`, { method: 'POST', body: '{}', token: f.owner.token });

function expectTooSlow(answer: Answer, message: string): void {
  expect([answer.status, answer.headers.get('content-type'), answer.headers.get('retry-after')]).toEqual([503, 'application/json', '2']);
  expect(answer.json).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message } });
}

describe('a table that takes too long to read', () => {
  it('answers 503 with Retry-After when another transaction holds a lock on it, then serves it again', async () => {
    const locker = new pg.Client({ connectionString: f.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table ${pg.escapeIdentifier(f.schema as string)}.busy in access exclusive mode`);
      expectTooSlow(await preview('busy'), BUSY);
      await expectCode((await callerFor(f.database.db, f.owner)).stats.preview({ appId: f.app.id, table: 'busy' }), 'SERVICE_UNAVAILABLE');
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    const again = await preview('busy');
    expect([again.status, again.json]).toEqual([200, expect.objectContaining({ rows: [{ n: 1 }] })]);
  });

  it('answers 503 with Retry-After when reading it outlasts the statement timeout', async () => {
    expectTooSlow(await preview('slow'), SLOW);
    const again = await preview('busy');
    expect(again.status).toBe(200);
  });

  it('answers a statement timeout on any REST path with 503 and Retry-After, not 500', async () => {
    vi.stubEnv('DATABASE_URL', f.databaseUrl);
    const route = restRoute({
      method: 'GET',
      params: [],
      handle: () =>
        f.database.db.transaction().execute(async (trx) => {
          await sql`set local statement_timeout = '50ms'`.execute(trx);
          await sql`select pg_sleep(5)`.execute(trx);
        }),
    });
    const response = await route.GET(new Request('http://localhost/api/x'), { params: Promise.resolve({}) });
    expect([response.status, response.headers.get('retry-after'), await response.json()]).toEqual([
      503,
      '2',
      { error: { code: 'SERVICE_UNAVAILABLE', message: 'The database took too long to answer; try again shortly' } },
    ]);
    vi.unstubAllEnvs();
  });
});
