import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIND_TABLE, type Relation } from '../../server/queries/preview/lookup';
import { columnOrders, sortKeys } from '../../server/queries/workspace/sort-keys';
import { keysetSource, sortedPageSettings } from '../../server/queries/workspace/sorted-rows';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { expectCode } from '../helpers/errors';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { type Tenant, tenantOf } from '../helpers/tenant';

// workspace.sortedRows against a hostile tenant (CONTRACT §10): a sort is only
// ever by an index that serves it (never a scan of 10⁸ rows), names are only
// compared as values, a cursor is the service's own or BAD_REQUEST, a key read
// back from a cursor never runs the tenant's code, and the preview's refusals hold.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let app: TestApp;
let s: string;
let tenant: Tenant;
const HOSTILE_TABLE = `t"; drop table x; --`;
const HOSTILE_COLUMN = `c"); select pg_sleep(10); --`;

beforeAll(async () => {
  database = await createTestDatabase();
  [owner, viewer, outsider] = await Promise.all([makeUser(database.db), makeUser(database.db), makeUser(database.db)]);
  app = await makeApp(database.db, owner, { workspace: true, members: [[viewer, 'viewer']] });
  s = app.workspaceSchema as string;
  const q = (name: string) => pg.escapeIdentifier(name);
  await sql
    .raw(
      `create table ${s}.shapes (id int primary key, plain int, part int, expr text, second int, pattern text, coll text, hashed int, nulls_first int);
       create index on ${s}.shapes (part) where part > 0;
       create index on ${s}.shapes (lower(expr));
       create index on ${s}.shapes (plain, second);
       create index on ${s}.shapes (pattern text_pattern_ops);
       create index on ${s}.shapes (coll collate "C");
       create index on ${s}.shapes using hash (hashed);
       create index on ${s}.shapes (nulls_first nulls first);
       insert into ${s}.shapes select n, n, n, 'e' || n, n, 'p' || n, 'c' || n, n, n from generate_series(1, 20) n;
       create table ${s}.${q(HOSTILE_TABLE)} (${q(HOSTILE_COLUMN)} text, "__proto__" int primary key);
       create index on ${s}.${q(HOSTILE_TABLE)} (${q(HOSTILE_COLUMN)});
       insert into ${s}.${q(HOSTILE_TABLE)} select 'v' || (n % 4), n from generate_series(1, 9) n;
       create table ${s}.huge (id int8 primary key, v int not null, w int);
       insert into ${s}.huge select n, n % 100000, n from generate_series(1, 300000) n;
       create index huge_v on ${s}.huge (v);
       analyze ${s}.huge;
       create table ${s}.guarded (id int primary key);
       create index on ${s}.guarded (id);
       alter table ${s}.guarded enable row level security;`,
    )
    .execute(database.db);
  // The tenant's own type and code: a domain whose CHECK raises when anyone but the tenant runs it.
  tenant = await tenantOf(database.url, s);
  await tenant.run(`
    create function ${s}.only_me(v int) returns boolean language plpgsql immutable as $fn$
    begin
      if current_user <> '${tenant.role}' then raise exception 'tenant code ran as %', current_user; end if;
      return true;
    end $fn$;
    create domain ${s}.checked as int check (${s}.only_me(value));
    create type ${s}.pair as (x int, y int);
    create table ${s}.typed (id ${s}.checked primary key, p ${s}.pair);
    create index on ${s}.typed (p);
    insert into ${s}.typed select n::${s}.checked, row(n, n)::${s}.pair from generate_series(1, 12) n;
    grant select on ${s}.typed to public;`);
});

afterAll(async () => {
  await tenant?.close();
  await database?.drop();
});

type Caller = Awaited<ReturnType<typeof callerFor>>;
const sortable = async (caller: Caller, appId: string, table: string) =>
  (await caller.workspace.columns({ appId, table })).columns.filter((c) => c.sortable).map((c) => c.name);

const sorted = async (
  user: TestUser,
  table: string,
  column: string,
  extra: { cursor?: string; direction?: 'asc' | 'desc'; limit?: number } = {},
) => (await callerFor(database.db, user)).workspace.sortedRows({ appId: app.id, table, column, limit: 5, ...extra });

describe('what a sort may order by', () => {
  it('refuses partial, expression, second-column, non-default opclass, other-collation, hash and nulls-first indexes, and composites', async () => {
    const caller = await callerFor(database.db, owner);
    expect(await sortable(caller, app.id, 'shapes')).toEqual(['id', 'plain']);
    for (const column of ['part', 'expr', 'second', 'pattern', 'coll', 'hashed', 'nulls_first', 'nope', 'tableoid', 'ctid']) {
      const error = await expectCode(sorted(owner, 'shapes', column), 'BAD_REQUEST');
      expect(error.message).toMatch(/^column: /);
    }
    await expectCode(sorted(owner, 'typed', 'p'), 'BAD_REQUEST');
  });

  it('sorts by hostile names as values, nothing in them runs', async () => {
    const started = Date.now();
    const page = await sorted(owner, HOSTILE_TABLE, HOSTILE_COLUMN, { direction: 'desc', limit: 4 });
    expect(page.rows.map((r) => r[HOSTILE_COLUMN])).toEqual(['v3', 'v3', 'v2', 'v2']);
    expect(Object.keys(page.rows[0] ?? {})).toEqual([HOSTILE_COLUMN, '__proto__']);
    const next = await sorted(owner, HOSTILE_TABLE, HOSTILE_COLUMN, { direction: 'desc', limit: 4, cursor: page.nextCursor ?? '' });
    expect(next.rows.map((r) => r.__proto__)).toEqual([9, 5, 1, 8]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('casts a cursor key of the tenant’s domain to its base type: the domain’s CHECK never runs as the reader', async () => {
    const first = await sorted(owner, 'typed', 'id', { limit: 5 });
    const second = await sorted(owner, 'typed', 'id', { limit: 5, cursor: first.nextCursor ?? '' });
    expect(second.rows.map((r) => r.id)).toEqual([6, 7, 8, 9, 10]);
  });
});

describe('cursors', () => {
  it('answers BAD_REQUEST naming cursor for one tampered with, made up, or issued for another table or sort', async () => {
    const page = await sorted(owner, 'shapes', 'id');
    const cursor = page.nextCursor ?? '';
    const [body = '', mac = ''] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), k: ['1) or true --'] })).toString(
      'base64url',
    );
    const tries = [`${forged}.${mac}`, `${body}.${mac.slice(0, -2)}AA`, 'garbage', `${body}`, `${body}.${mac}.x`, ''.padEnd(40, 'A')];
    for (const bad of tries)
      expect((await expectCode(sorted(owner, 'shapes', 'id', { cursor: bad }), 'BAD_REQUEST')).message).toMatch(/^cursor: /);
    await expectCode(sorted(owner, 'shapes', 'id', { cursor, direction: 'desc' }), 'BAD_REQUEST');
    await expectCode(sorted(owner, 'shapes', 'plain', { cursor }), 'BAD_REQUEST');
    await expectCode(sorted(owner, 'huge', 'id', { cursor }), 'BAD_REQUEST');
    expect((await sorted(owner, 'shapes', 'id', { cursor })).rows.map((r) => r.id)).toEqual([6, 7, 8, 9, 10]);
  });
});

describe('the preview’s refusals', () => {
  it('404 for _migrations, other schemas and unknown tables; 422 for row-level security; 403 for a reader; 404 for an outsider', async () => {
    for (const table of ['_migrations', 'pg_catalog.pg_authid', `../${s}`, 'nope', ''])
      await expectCode(sorted(owner, table, 'id'), 'NOT_FOUND');
    await expectCode(sorted(owner, 'guarded', 'id'), 'UNPROCESSABLE_CONTENT');
    await expectCode(sorted(viewer, 'shapes', 'id'), 'FORBIDDEN');
    await expectCode(sorted(outsider, 'shapes', 'id'), 'NOT_FOUND');
  });
});

/** The plan of the keyset page over `huge` after the given cursor, with the page's own settings, executed. */
async function planOf(column: string, direction: 'asc' | 'desc', after: Array<string | null> | null) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('begin; set local search_path = pg_catalog');
    const relation = (await client.query<Relation>(FIND_TABLE, [s, 'huge', '_migrations'])).rows[0] as Relation;
    const keys = sortKeys(relation, await columnOrders(client, relation), column);
    if (!keys) throw new Error('not sortable');
    for (const setting of sortedPageSettings()) await client.query(setting);
    const { source, values } = keysetSource(`${pg.escapeIdentifier(s)}.huge`, keys, direction, after);
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
      `explain (analyze, format json) select p.id ${source.from} ${source.order}`,
      [25, ...values],
    );
    return JSON.stringify(rows[0]?.['QUERY PLAN']);
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

describe('a huge table is never scanned', () => {
  it('reads the page through the index in both directions, also deep in the table and when the tenant lies about its size', async () => {
    for (const [column, direction, after] of [
      ['id', 'asc', ['150000']],
      ['id', 'desc', null],
      ['v', 'asc', ['50000', '150000']],
      ['v', 'desc', ['70000', '70000']],
    ] as const) {
      const plan = await planOf(column, direction, after ? [...after] : null);
      expect(plan, `${column} ${direction}`).not.toContain('Seq Scan');
      expect(plan).toContain(column === 'id' ? 'huge_pkey' : 'huge_v');
      const scanned = [...plan.matchAll(/"Actual Rows":\s*([\d.]+)/g)].map((m) => Number(m[1]));
      expect(Math.max(...scanned), `${column} ${direction} rows read`).toBeLessThan(2_000);
    }
    // The tenant's table claims to hold one row in a million pages: the planner would rather sort it whole.
    // pg_restore_relation_stats is PostgreSQL 18's; before it, the superuser the tests run as writes pg_class itself.
    const { rows: version } = await sql<{ n: number }>`select current_setting('server_version_num')::int as n`.execute(database.db);
    if ((version[0]?.n ?? 0) >= 180000) {
      await sql
        .raw(`select pg_restore_relation_stats('schemaname', '${s}', 'relname', 'huge', 'reltuples', 1::real, 'relpages', 1000000::int)`)
        .execute(database.db);
    } else {
      await sql`update pg_class set reltuples = 1, relpages = 1000000 where oid = ${`"${s}".huge`}::regclass`.execute(database.db);
    }
    expect(await planOf('v', 'asc', ['50000', '150000'])).not.toContain('Seq Scan');
    const page = await sorted(owner, 'huge', 'v', { direction: 'desc', limit: 3 });
    expect(page.rows.map((r) => [r.v, r.id])).toEqual([
      [99999, '299999'],
      [99999, '199999'],
      [99999, '99999'],
    ]);
  });

  it('sorts by an unindexed column of a huge table never: BAD_REQUEST before any SQL', async () => {
    await expectCode(sorted(owner, 'huge', 'w'), 'BAD_REQUEST');
  });
});
