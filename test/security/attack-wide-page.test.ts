import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREVIEW_BYTES } from '../../server/queries/preview/fit';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { expectCode } from '../helpers/errors';

// A preview answer is at most 1 MiB of JSON (CONTRACT §10), whatever the table
// holds: cells are cut further so the page fits and the answer says so; a table
// so wide that not even that fits is a 4xx naming how many rows would.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let app: TestApp;

const columns = (n: number, type: string) => Array.from({ length: n }, (_, i) => `c${i} ${type}`).join(', ');
const values = (n: number, value: string) => Array.from({ length: n }, () => value).join(', ');

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  const s = app.workspaceSchema as string;
  // 12 columns of 100 KB text, 100 rows: 64 KiB cells alone would make 78 MB.
  await sql.raw(`create table ${s}.heavy (id int primary key, ${columns(12, 'text')})`).execute(database.db);
  await sql
    .raw(`insert into ${s}.heavy select n, ${values(12, "repeat('é' || n, 50000)")} from generate_series(1, 100) n`)
    .execute(database.db);
  // 1,600 columns, the most PostgreSQL allows (one is the key).
  await sql.raw(`create table ${s}.wide (id int primary key, ${columns(1599, 'text')})`).execute(database.db);
  await sql.raw(`insert into ${s}.wide select n, ${values(1599, "'v'")} from generate_series(1, 100) n`).execute(database.db);
});

afterAll(async () => {
  await database?.drop();
});

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('the size of a preview answer', () => {
  it('cuts large cells further so that 100 rows of 12 × 100 KB fit in 1 MiB, and says how many were cut', async () => {
    const caller = await callerFor(database.db, owner);
    const page = await caller.stats.preview({ appId: app.id, table: 'heavy', limit: 100, offset: 0 });
    expect(page.rowCount).toBe(100);
    expect(bytesOf(page)).toBeLessThanOrEqual(MAX_PREVIEW_BYTES);
    expect(page.cellsCut).toBe(1200);
    expect(page.cellCutBytes).toBeGreaterThan(100);
    const cell = String(page.rows[0]?.c0);
    expect(cell).toMatch(/^(é1)+é?…\[truncated: 150000 bytes\]$/);
    expect(page.rows[99]?.id).toBe(100);
  }, 60_000);

  it('answers a 1,600-column page that cannot fit with 422 naming the rows that would, and serves those', async () => {
    const caller = await callerFor(database.db, owner);
    const error = await expectCode(caller.stats.preview({ appId: app.id, table: 'wide', limit: 100, offset: 0 }), 'UNPROCESSABLE_CONTENT');
    const fits = Number(/ask for (\d+) rows or fewer/.exec(error.message)?.[1]);
    expect(fits).toBeGreaterThan(0);
    expect(fits).toBeLessThan(100);
    const page = await caller.stats.preview({ appId: app.id, table: 'wide', limit: fits, offset: 0 });
    expect(page.rowCount).toBe(fits);
    expect(bytesOf(page)).toBeLessThanOrEqual(MAX_PREVIEW_BYTES);
    expect(page.fields).toHaveLength(1600);
  }, 60_000);
});
