import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { expectCode, outcomeCode } from '../helpers/errors';
import { collect, expectCsvMatches, expectNdjsonMatches, exportText, parseCsv, previewAll } from '../helpers/export';
import { heapMeter } from '../helpers/heap';
import { type Tenant, tenantOf } from '../helpers/tenant';

// A table export reads what the tenant wrote (CONTRACT §10): hostile names,
// 1,600 columns, cells of tens of MB, row-level security calling slow code,
// locks held open. It never cuts a cell, never holds one whole, never runs a
// policy, and stops at the workspace-read limits as the preview does.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let app: TestApp;
let tenant: Tenant;
let s: string;

const MB = 1024 * 1024;
const HOSTILE = 'a"b,c\r\nd;\'--';
const NAMES = ['__proto__', '1', 'a,b', '"q"', '=HYPERLINK("x")', 'constructor', ' ', 'é😀'];
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
// As many 1,100-byte cells as one row can point to (TOAST pointers fill a page beyond that): every one is read on its own.
const HEAVY = 300;
const columns = (n: number, type: string) => Array.from({ length: n }, (_, i) => `c${i} ${type}`).join(', ');

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  s = app.workspaceSchema as string;
  tenant = await tenantOf(database.url, s);
  const grant = (table: string) => `grant select on ${s}.${table} to public`;
  await tenant.run(`create table ${s}.${quoted(HOSTILE)} (id int primary key, ${NAMES.map((n) => `${quoted(n)} text`).join(', ')});
    insert into ${s}.${quoted(HOSTILE)} select g, ${NAMES.map((_, i) => `'v' || g || ',"${i}"\n'`).join(', ')} from generate_series(1, 150) g;
    ${grant(quoted(HOSTILE))}`);
  await tenant.run(`create table ${s}.wide (id int primary key, ${columns(1599, 'text')});
    insert into ${s}.wide select g, ${Array.from({ length: 1599 }, (_, i) => `chr(65 + (g + ${i}) % 26)`).join(', ')} from generate_series(1, 120) g;
    create table ${s}.wide_heavy (id int primary key, ${columns(HEAVY, 'text')});
    insert into ${s}.wide_heavy select g, ${Array.from({ length: HEAVY }, (_, i) => `repeat(chr(65 + (g + ${i}) % 26), 1100)`).join(', ')} from generate_series(1, 2) g;
    ${grant('wide')}; ${grant('wide_heavy')}`);
  // Cells larger than a slice (1 MiB), with quotes and multibyte characters across slice ends.
  await tenant.run(`create table ${s}.big (id int primary key, body text, blob bytea, doc jsonb, j json, nums int[], note text);
    insert into ${s}.big select g, repeat('é"😀,', 300000 + g), decode(repeat('0a', 1500000), 'hex'),
      jsonb_build_object('k', repeat('"x', 400000)), json_build_object('k', repeat('y', 1200000)), array(select generate_series(1, 300000)), 'small'
      from generate_series(1, 3) g;
    ${grant('big')}`);
  // 30 MB text and 10 MB bytea per row, 8 rows: 320 MB of cells in all.
  await tenant.run(`create table ${s}.huge (id int primary key, body text, blob bytea);
    insert into ${s}.huge values (1, repeat('a', ${30 * MB}), decode(repeat('ab', ${10 * MB}), 'hex'));
    insert into ${s}.huge select g, h.body, h.blob from ${s}.huge h, generate_series(2, 8) g;
    ${grant('huge')}`);
  await tenant.run(`create function ${s}.crawl() returns boolean language sql as 'select pg_catalog.pg_sleep(30) is not null';
    create table ${s}.guarded (id int primary key, secret text); insert into ${s}.guarded values (1, 'x');
    alter table ${s}.guarded enable row level security; create policy p on ${s}.guarded using (${s}.crawl());
    ${grant('guarded')}; grant execute on function ${s}.crawl() to public`);
  await tenant.run(`create table ${s}.locked (id int primary key); insert into ${s}.locked values (1); ${grant('locked')}`);
  await tenant.run(`create table ${s}.rows (id int primary key, v text);
    insert into ${s}.rows select g, md5(g::text) from generate_series(1, 20000) g; ${grant('rows')}`);
}, 300_000);

afterAll(async () => {
  await tenant?.close();
  await database?.drop();
});

describe('a table export under attack', () => {
  it('keeps hostile table and column names whole: __proto__, digits, commas, quotes, formulas', async () => {
    const caller = await callerFor(database.db, owner);
    const { rows } = await previewAll(caller, app, HOSTILE);
    expect(rows).toHaveLength(150);
    expectCsvMatches(await exportText(caller, app, HOSTILE, 'csv'), ['id', ...NAMES], rows);
    expectNdjsonMatches(await exportText(caller, app, HOSTILE, 'ndjson'), rows);
  });

  it('exports 1,600 columns as the preview shows them, and rows of 330 KB whose every cell is read on its own, in full', async () => {
    const caller = await callerFor(database.db, owner);
    const { rows } = await previewAll(caller, app, 'wide', 10);
    const names = ['id', ...Array.from({ length: 1599 }, (_, i) => `c${i}`)];
    expectCsvMatches(await exportText(caller, app, 'wide', 'csv'), names, rows);
    expectNdjsonMatches(await exportText(caller, app, 'wide', 'ndjson'), rows);
    const heavy = parseCsv(await exportText(caller, app, 'wide_heavy', 'csv'));
    expect(heavy).toHaveLength(3);
    for (const [g, record] of heavy.slice(1).entries()) {
      expect(record.slice(1)).toEqual(Array.from({ length: HEAVY }, (_, i) => String.fromCharCode(65 + ((g + 1 + i) % 26)).repeat(1100)));
    }
  });

  it('writes cells larger than a slice whole: text across multibyte and quote boundaries, bytea, jsonb, json, arrays', async () => {
    const caller = await callerFor(database.db, owner);
    const { rows } = await sql<{ body: string; blob: string; doc: unknown; j: string; n: number }>`
      select body, '\\x' || encode(blob, 'hex') as blob, doc, j::text as j, cardinality(nums) as n from ${sql.id(s, 'big')} order by id`.execute(
      database.db,
    );
    const records = parseCsv(await exportText(caller, app, 'big', 'csv'));
    expect(records[0]).toEqual(['id', 'body', 'blob', 'doc', 'j', 'nums', 'note']);
    for (const [i, row] of rows.entries()) {
      const record = records[i + 1] ?? [];
      expect([record[1] === row.body, record[2] === row.blob, record[4] === row.j, record[6]]).toEqual([true, true, true, 'small']);
      expect(JSON.parse(record[3] ?? '')).toEqual(row.doc);
      expect(JSON.parse(record[5] ?? '')).toHaveLength(row.n);
    }
    const lines = (await exportText(caller, app, 'big', 'ndjson')).split('\n');
    for (const [i, row] of rows.entries()) {
      const parsed = JSON.parse(lines[i] ?? '') as Record<string, unknown>;
      expect([parsed.body === row.body, parsed.blob === row.blob, parsed.note]).toEqual([true, true, 'small']);
      expect([parsed.doc, parsed.j, (parsed.nums as unknown[]).length]).toEqual([row.doc, JSON.parse(row.j), row.n]);
    }
  });

  it('streams 320 MB of 30 MB cells in full, never cut, with the heap growing by less than 50 MB', async () => {
    const caller = await callerFor(database.db, owner);
    for (const format of ['csv', 'ndjson'] as const) {
      const meter = heapMeter();
      const body = (await caller.export.table({ appId: app.id, table: 'huge', format })).body;
      const hash = createHash('sha256');
      let bytes = 0;
      let sampled = 0;
      for await (const piece of body) {
        hash.update(piece);
        bytes += piece.length;
        if (bytes - sampled > 16 * MB) {
          meter.sample();
          sampled = bytes;
        }
      }
      meter.sample();
      // Each row: its id, 30 MiB of `a`, `\x` and 20 MiB of hex, quotes and separators.
      const cells = 8 * (30 * MB + 2 + 20 * MB);
      expect(bytes).toBeGreaterThan(cells);
      expect(bytes).toBeLessThan(cells + 8 * 100);
      expect(meter.growth()).toBeLessThan(50 * MB);
    }
  }, 180_000);

  it('refuses a table with row-level security at once, never running its slow policy', async () => {
    const caller = await callerFor(database.db, owner);
    const started = Date.now();
    await expectCode(
      collect((await caller.export.table({ appId: app.id, table: 'guarded', format: 'csv' })).body),
      'UNPROCESSABLE_CONTENT',
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await outcomeCode(caller.stats.preview({ appId: app.id, table: 'guarded' }))).toBe('UNPROCESSABLE_CONTENT');
  });

  it('answers busy (SERVICE_UNAVAILABLE) while the tenant holds a lock on the table, within the lock timeout, then exports it', async () => {
    const caller = await callerFor(database.db, owner);
    const holder = await tenant.hold(`begin; lock table ${s}.locked in access exclusive mode`);
    try {
      const started = Date.now();
      await expectCode(collect((await caller.export.table({ appId: app.id, table: 'locked', format: 'csv' })).body), 'SERVICE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await holder.query('rollback');
    }
    expect(await exportText(caller, app, 'locked', 'csv')).toBe('id\r\n1\r\n');
  });
});
