import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sqlStateAs, useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

// The service's functions in the database (CONTRACT §10): no other role may
// call them (a runtime that writes events, a workspace reader, a tenant), yet a
// writer with nothing but INSERT on an event table still fires the rollup
// triggers. The SECURITY DEFINER ones search pg_temp last and belong to a role
// that cannot log in.

const database = useTestDatabase();

interface ServiceFunction {
  signature: string;
  args: number;
  definer: boolean;
  config: string[] | null;
  ownerCanLogin: boolean;
  ownerIsSuper: boolean;
}

async function serviceFunctions(): Promise<ServiceFunction[]> {
  const { rows } = await sql<ServiceFunction>`
    select p.oid::regprocedure::text as signature, p.pronargs::int as args, p.prosecdef as definer, p.proconfig as config,
           r.rolcanlogin as "ownerCanLogin", r.rolsuper as "ownerIsSuper"
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_roles r on r.oid = p.proowner
    where n.nspname = 'public' order by 1`.execute(database.current.db);
  return rows;
}

/** Runs `text` as a fresh role with `grants`, in a transaction that is rolled back; the SQLSTATE, or 'ok'. */
function asFreshRole(grants: string[], text: string): Promise<string> {
  const role = `fresh_${randomBytes(5).toString('hex')}`;
  return sqlStateAs(database.current.url, role, text, [`create role ${role} nologin`, ...grants.map((grant) => `${grant} to ${role}`)]);
}

describe("the service's functions", () => {
  it('refuse every call from a fresh role (42501), however it passes its arguments', async () => {
    const functions = await serviceFunctions();
    expect(functions.filter((f) => f.signature.startsWith('stats_')).length).toBeGreaterThan(5);
    const outcomes: Record<string, string> = {};
    for (const f of functions) {
      if (f.signature.includes('trigger')) continue;
      const name = f.signature.slice(0, f.signature.indexOf('('));
      const nulls = Array.from({ length: f.args }, () => 'null').join(', ');
      outcomes[f.signature] = await asFreshRole([], `select public.${name}(${nulls})`);
    }
    expect(Object.keys(outcomes).length).toBeGreaterThan(5);
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(outcomes).map((signature) => [signature, '42501'])));
  });

  it('search pg_temp last and run as a role that cannot log in, when they are SECURITY DEFINER', async () => {
    const definers = (await serviceFunctions()).filter((f) => f.definer);
    expect(definers.length).toBeGreaterThan(5);
    for (const f of definers) {
      expect([f.signature, f.config]).toEqual([f.signature, ['search_path=pg_catalog, public, pg_temp']]);
      expect([f.signature, f.ownerCanLogin, f.ownerIsSuper]).toEqual([f.signature, false, false]);
    }
  });

  it('still fire for a writer that may only INSERT into view_events', async () => {
    const { db, url } = database.current;
    const app = await makeApp(db, await makeUser(db));
    const role = `writer_${randomBytes(5).toString('hex')}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(`create role ${role} nologin; grant insert on public.view_events to ${role}`);
      await client.query(`set local role ${role}`);
      await client.query('insert into public.view_events (app_id) select $1::uuid from generate_series(1, 3)', [app.id]);
      await client.query('reset role');
      const { rows } = await client.query<{ views: number }>(
        'select sum(views)::int as views from public.stats_view_slots where app_id = $1',
        [app.id],
      );
      expect(rows[0]?.views).toBe(3);
    } finally {
      await client.query('rollback');
      await client.end();
    }
  });
});
