import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutCellMarker } from '../../server/queries/preview/page-sql';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';

// workspace.sortedRows: a page of a workspace table in the order of an indexed
// column, both directions, keyset-paged. Walking every page visits every row
// exactly once in the order plain SQL gives, NULLs and duplicates included.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let app: TestApp;
let s: string;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  s = app.workspaceSchema as string;
  const db = database.db;
  // score: duplicates and NULLs; label: text with its own index; ts: timestamptz; no index on note.
  await sql
    .raw(
      `create table ${s}.things (id int primary key, score int, label text, ts timestamptz, note text, big text);
       create index on ${s}.things (score); create index on ${s}.things (label); create index on ${s}.things (ts desc);
       insert into ${s}.things select n, case when n % 7 = 0 then null else n % 5 end, 'label ' || (n % 13),
         timestamptz '2024-02-23 14:30:00.123456+00' + make_interval(secs => n * 1.5), 'n' || n,
         case when n = 3 then repeat('x', 100000) end
       from generate_series(1, 103) n;
       create table ${s}.logbook (at timestamptz not null, who text);
       create index on ${s}.logbook (who);
       insert into ${s}.logbook select timestamptz '2024-01-01' + make_interval(mins => n), case when n % 4 = 0 then null else 'w' || (n % 3) end
       from generate_series(1, 57) n;
       create table ${s}.pairs (a int, b int, v text, primary key (a, b));
       insert into ${s}.pairs select n / 10, n % 10, 'v' || n from generate_series(0, 44) n;`,
    )
    .execute(db);
});

afterAll(async () => {
  await database?.drop();
});

type Caller = Awaited<ReturnType<typeof callerFor>>;
const sortable = async (caller: Caller, appId: string, table: string) =>
  (await caller.workspace.columns({ appId, table })).columns.filter((c) => c.sortable).map((c) => c.name);

type Sorted = Awaited<ReturnType<Awaited<ReturnType<typeof callerFor>>['workspace']['sortedRows']>>;

async function walk(table: string, column: string, direction: 'asc' | 'desc', limit: number): Promise<Sorted[]> {
  const caller = await callerFor(database.db, owner);
  const pages: Sorted[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const page: Sorted = await caller.workspace.sortedRows({ appId: app.naturalId, table, column, direction, limit, cursor });
    pages.push(page);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}

async function ordered<T>(text: string): Promise<T[]> {
  return (await sql.raw<{ k: T }>(text).execute(database.db)).rows.map((r) => r.k);
}

describe('workspace.sortedRows', () => {
  it('offers the primary key and the columns that lead a plain btree index, nothing else', async () => {
    const caller = await callerFor(database.db, owner);
    expect(await sortable(caller, app.id, 'things')).toEqual(['id', 'score', 'label', 'ts']);
    expect(await sortable(caller, app.id, 'logbook')).toEqual(['who']);
    expect(await sortable(caller, app.id, 'pairs')).toEqual(['a']);
  });

  it('names types as a person reads them: text[], numeric(8,2), the tenant’s own type without its schema', async () => {
    await sql
      .raw(
        `create type ${s}.mood as enum ('ok', 'meh'); create table ${s}.kinds (id int primary key, tags text[], price numeric(8, 2), m ${s}.mood)`,
      )
      .execute(database.db);
    const caller = await callerFor(database.db, owner);
    const { columns } = await caller.workspace.columns({ appId: app.id, table: 'kinds' });
    expect(columns.map((c) => c.type)).toEqual(['integer', 'text[]', 'numeric(8,2)', 'mood']);
  });

  for (const direction of ['asc', 'desc'] as const) {
    it(`walks every row once by the primary key, ${direction}, as plain SQL orders them`, async () => {
      const pages = await walk('things', 'id', direction, 10);
      const ids = pages.flatMap((p) => p.rows.map((r) => r.id));
      expect(ids).toEqual(await ordered(`select id as k from ${s}.things order by id ${direction}`));
      expect(pages[0]?.totalRows).toBe(103);
      expect(pages.slice(0, -1).every((p) => p.rowCount === 10)).toBe(true);
    });

    it(`walks a column with duplicates and NULLs, ${direction}, NULLs where a btree index puts them`, async () => {
      for (const limit of [1, 4, 25]) {
        const pages = await walk('things', 'score', direction, limit);
        const seen = pages.flatMap((p) => p.rows.map((r) => [r.score, r.id]));
        const nulls = direction === 'asc' ? 'nulls last' : 'nulls first';
        expect(seen).toEqual(
          await ordered(`select array[score, id] as k from ${s}.things order by score ${direction} ${nulls}, id ${direction}`),
        );
      }
    });

    it(`walks a table without a primary key by an indexed column, ${direction}, every row once`, async () => {
      const pages = await walk('logbook', 'who', direction, 6);
      const seen = pages.flatMap((p) => p.rows.map((r) => `${String(r.who)}|${String(r.at)}`)).sort();
      const all = await ordered<string>(
        `select coalesce(who, 'null') || '|' || to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as k from ${s}.logbook`,
      );
      expect(seen).toEqual(all.sort());
      const whos = pages.flatMap((p) => p.rows.map((r) => r.who));
      const nulls = direction === 'asc' ? 'nulls last' : 'nulls first';
      expect(whos).toEqual(await ordered(`select who as k from ${s}.logbook order by who ${direction} ${nulls}`));
    });
  }

  it('orders by a composite primary key as a whole, and by timestamps to the microsecond', async () => {
    const pairs = (await walk('pairs', 'a', 'desc', 7)).flatMap((p) => p.rows.map((r) => `${String(r.a)},${String(r.b)}`));
    expect(pairs).toEqual(await ordered(`select a || ',' || b as k from ${s}.pairs order by a desc, b desc`));
    const byTime = (await walk('things', 'ts', 'asc', 9)).flatMap((p) => p.rows.map((r) => r.id));
    expect(byTime).toEqual(await ordered(`select id as k from ${s}.things order by ts, id`));
  });

  it('keeps the preview’s value rules and its 64 KiB cell cut', async () => {
    const caller = await callerFor(database.db, owner);
    const page = await caller.workspace.sortedRows({ appId: app.id, table: 'things', column: 'id', limit: 5 });
    const preview = await caller.stats.preview({ appId: app.id, table: 'things', limit: 5, offset: 0 });
    expect(page.fields).toEqual(preview.fields);
    expect(page.rows).toEqual(preview.rows);
    expect(String(page.rows[2]?.big)).toMatch(new RegExp(`^x+${cutCellMarker(100000).replace(/[[\]]/g, '\\$&')}$`));
    expect(page.cellsCut).toBe(1);
  });
});
