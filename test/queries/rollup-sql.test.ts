import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ROLLUP_SQL_FILES, applyRollupSql } from '../../server/db/migrations/20260108000000_rollup_functions_sql';
import { LIVE_SQL_FILES, applyLiveSql } from '../../server/db/migrations/20260110000000_live_notify';
import { ROUTE_SQL_FILES, applyRouteSql } from '../../server/db/migrations/20260112000000_route_rollups';
import type { DB } from '../../server/db/types';
import { useTestDatabase } from '../helpers/database';

// The rollup functions and triggers of the migrated database are exactly what
// server/db/sql/rollups/ says (issue 12). PostgreSQL itself renders both sides:
// the catalog as migrated, then the files run again over it in a transaction
// that is rolled back. A function or trigger whose file says something else
// comes out changed; one that only a file defines comes out new; and a rollup
// function or trigger that no file defines is caught by name.

const database = useTestDatabase();

// The one rollup function that must stay inlinable (sql/rollups/histograms.sql): it runs once per row of a COPY.
const INLINED = ['stats_duration_bin(integer)'];

interface Catalog {
  /** pg_get_functiondef by signature: arguments, result, language, SECURITY DEFINER, SET, body. */
  functions: Record<string, string>;
  /** pg_get_triggerdef and whether it fires, by table.trigger. */
  triggers: Record<string, string>;
}

// Rollup functions: the public ones named stats_*, or owned by the rollups role of 20260107.
const ROLLUP_FUNCTIONS = sql`
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace join pg_catalog.pg_roles r on r.oid = p.proowner
  where n.nspname = 'public' and (p.proname like 'stats\\_%' or r.rolname like 'appstats\\_rollups\\_%')`;

async function catalog(db: Kysely<DB>): Promise<Catalog> {
  const functions = await sql<{ signature: string; def: string }>`
    select p.oid::regprocedure::text as signature, pg_catalog.pg_get_functiondef(p.oid) as def ${ROLLUP_FUNCTIONS}`.execute(db);
  const triggers = await sql<{ name: string; def: string }>`
    select t.tgrelid::regclass::text || '.' || t.tgname as name, pg_catalog.pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text as def
    from pg_catalog.pg_trigger t
    where not t.tgisinternal
      and (t.tgname like 'stats\\_%' or t.tgfoid in (select p.oid ${ROLLUP_FUNCTIONS}))`.execute(db);
  return {
    functions: Object.fromEntries(functions.rows.map((row) => [row.signature, row.def])),
    triggers: Object.fromEntries(triggers.rows.map((row) => [row.name, row.def])),
  };
}

/** What the files define, by name, as a reader finds it with grep. */
function definedByFiles(): { functions: string[]; triggers: string[] } {
  const text = [...ROLLUP_SQL_FILES, ...LIVE_SQL_FILES, ...ROUTE_SQL_FILES].map((file) => readFileSync(file, 'utf8')).join('\n');
  const functions = [...text.matchAll(/^create or replace function\s+(\w+)\s*\(/gim)].map((m) => m[1] ?? '');
  const triggers = [...text.matchAll(/^create or replace trigger\s+(\w+)\s+(?:after|before)\s+\w+\s+on\s+(\w+)/gim)].map(
    (m) => `${m[2]}.${m[1]}`,
  );
  return { functions: functions.sort(), triggers: triggers.sort() };
}

/** The catalog as migrated, and as it is once the files have run over it (rolled back). */
async function liveAndFromFiles(): Promise<{ live: Catalog; fromFiles: Catalog }> {
  return database.current.db.connection().execute(async (conn) => {
    const live = await catalog(conn);
    await sql`begin`.execute(conn);
    try {
      await applyRollupSql(conn);
      await applyLiveSql(conn);
      await applyRouteSql(conn);
      return { live, fromFiles: await catalog(conn) };
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

describe('the rollup SQL files', () => {
  it('define every rollup function and trigger of the database, each once', async () => {
    const live = await catalog(database.current.db);
    const files = definedByFiles();
    expect(files.functions.length).toBeGreaterThan(10);
    expect(new Set(files.functions).size).toBe(files.functions.length);
    expect(
      Object.keys(live.functions)
        .map((signature) => signature.slice(0, signature.indexOf('(')))
        .sort(),
    ).toEqual(files.functions);
    expect(files.triggers.length).toBe(20);
    expect(Object.keys(live.triggers).sort()).toEqual(files.triggers);
  });

  it('are exactly what the database holds', async () => {
    const { live, fromFiles } = await liveAndFromFiles();
    expect(fromFiles.functions).toEqual(live.functions);
    expect(fromFiles.triggers).toEqual(live.triggers);
  });

  it('say SECURITY DEFINER with pg_temp searched last, for every function', async () => {
    const { fromFiles } = await liveAndFromFiles();
    for (const [signature, def] of Object.entries(fromFiles.functions)) {
      if (INLINED.includes(signature)) {
        // Plain immutable SQL the planner inlines (no DEFINER, no SET), calling only pg_catalog.
        expect([signature, def]).toEqual([signature, expect.stringMatching(/ LANGUAGE sql\n IMMUTABLE PARALLEL SAFE\n/)]);
        continue;
      }
      expect([signature, def]).toEqual([signature, expect.stringContaining(' SECURITY DEFINER\n')]);
      expect([signature, def]).toEqual([signature, expect.stringContaining(` SET search_path TO 'pg_catalog', 'public', 'pg_temp'\n`)]);
    }
  });

  it('keep the owner and grants of the functions they replace', async () => {
    const rights = () => sql<{ signature: string; owner: string; acl: string | null }>`
      select p.oid::regprocedure::text as signature, r.rolname as owner, p.proacl::text as acl ${ROLLUP_FUNCTIONS} order by 1`;
    const before = await rights().execute(database.current.db);
    for (const row of before.rows) {
      expect([row.signature, row.owner]).toEqual([row.signature, expect.stringMatching(/^appstats_rollups_[0-9a-f]{8}$/)]);
      expect([row.signature, row.acl]).toEqual([row.signature, `{${row.owner}=X/${row.owner}}`]);
    }
    const after = await database.current.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        await applyRollupSql(conn);
        await applyLiveSql(conn);
        await applyRouteSql(conn);
        return await rights().execute(conn);
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
    expect(after.rows).toEqual(before.rows);
  });
});
