import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { readInvocationLog } from '../../server/queries/activity/log';
import { useTestDatabase } from '../helpers/database';

// The log's column and indexes (migration 20260111000000_invocation_log) keep
// CONTRACT §3 for the platform's writers: a role that may only INSERT into
// route_invocations, on a connection of its own (nothing cached from the
// service's rights), still writes one row, many, and COPY. An index over a
// call of one of the service's functions would refuse it (no EXECUTE).

const database = useTestDatabase();

describe('a writer that may only INSERT into route_invocations', () => {
  it('writes rows by INSERT and COPY, which the log then finds by route', async () => {
    const { db, url } = database.current;
    const role = `writer_${randomBytes(5).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await sql
      .raw(
        `create role ${role} login password '${password}'; grant usage on schema public to ${role}; grant insert on public.route_invocations to ${role}`,
      )
      .execute(db);
    const target = new URL(url);
    target.username = role;
    target.password = password;
    const appId = randomUUID();
    const client = new pg.Client({ connectionString: target.toString() });
    await client.connect();
    try {
      await client.query(
        `insert into public.route_invocations (app_id, method, path, started_at, duration_ms, status_code, error)
         select $1::uuid, 'GET', '/w/' || g, timestamptz '2024-05-01 12:00:00+00', 1, 500, 'boom ' || g from generate_series(1, 3) g`,
        [appId],
      );
      await pipeline(
        Readable.from([`${appId}\tPOST\t/w/abcdef12/x\t2024-05-01T13:00:00Z\t2\t200\n`]),
        client.query(copyFrom('copy public.route_invocations (app_id, method, path, started_at, duration_ms, status_code) from stdin')),
      );
    } finally {
      await client.end();
      await sql.raw(`drop owned by ${role}; drop role ${role}`).execute(db);
    }
    const range = { tz: 'UTC', from: '2024-05-01', to: '2024-05-01' };
    const page = await readInvocationLog(db, appId, { range, filters: { route: '/w/:id/x' }, limit: 10 });
    expect(page.items.map((item) => [item.method, item.path, item.route])).toEqual([['POST', '/w/abcdef12/x', '/w/:id/x']]);
    const all = await readInvocationLog(db, appId, { range, filters: { status: 'failed' }, limit: 10 });
    expect(all.items.map((item) => item.route)).toEqual(['/w/:id', '/w/:id', '/w/:id']);
  });

  it('leaves the route filter an index range read over the inlined function', async () => {
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      explain select id from route_invocations r
      where r.app_id = ${randomUUID()}::uuid and appstats_route_of(r.path) = '/w/:id'
      order by r.started_at desc, r.id desc limit 10`.execute(database.current.db);
    // route_invocations is partitioned by month (20260113000000_partitions): the plan names the partitions' copies of the index.
    const { rows: copies } = await sql<{ name: string }>`
      select c.relname as name from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'route_invocations_route_idx'::regclass`.execute(database.current.db);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(copies.length).toBeGreaterThan(0);
    expect(copies.some((copy) => plan.includes(`using ${copy.name} `))).toBe(true);
  });
});
