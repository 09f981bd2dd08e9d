import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';
import { errorMessageOf, routeOf } from '../oracle/normalise-ref';

// appstats_route_of and appstats_error_message_of (server/db/sql/insights/
// normalise.sql) follow CONTRACT §8 to the letter: known cases, and random
// strings held against the hand-written reference of test/oracle/normalise-ref.ts.

const database = useTestDatabase();

async function routes(paths: string[]): Promise<string[]> {
  const { rows } = await sql<{ route: string }>`
    select appstats_route_of(p) as route from unnest(${paths}::text[]) with ordinality as t(p, n) order by n`.execute(database.current.db);
  return rows.map((row) => row.route);
}

async function messages(cases: Array<[string | null, number]>): Promise<string[]> {
  const { rows } = await sql<{ message: string }>`
    select appstats_error_message_of(e, s) as message
    from unnest(${cases.map((c) => c[0])}::text[], ${cases.map((c) => c[1])}::int[]) with ordinality as t(e, s, n) order by n`.execute(
    database.current.db,
  );
  return rows.map((row) => row.message);
}

const UUID = '550e8400-E29B-41d4-a716-446655440000';

describe('appstats_route_of', () => {
  it.each([
    ['/api/datasets/123/search', '/api/datasets/:id/search'],
    ['/api/items/123?x=1/2', '/api/items/:id'],
    [`/u/${UUID}/`, '/u/:id/'],
    ['/h/abcdef12/ABCDEF12/deadbeef/abc1234/0', '/h/:id/:id/deadbeef/abc1234/:id'],
    ['/a/12b/x-123/%31%32', '/a/12b/x-123/%31%32'],
    ['//1//', '//:id//'],
    ['', ''],
    ['?only=query', ''],
    ['123', ':id'],
    ['/v1/users/42.json', '/v1/users/42.json'],
  ])('%j → %j', async (path, route) => {
    expect(await routes([path])).toEqual([route]);
    expect(routeOf(path)).toBe(route);
  });

  it('agrees with the reference on random paths', async () => {
    const segment = fc.oneof(
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.stringMatching(/^[0-9a-fA-F]{6,12}$/),
      fc.uuid(),
      fc.string({ unit: fc.constantFrom('a', 'F', 'g', '1', '-', '.', '%', 'é', '日', '😀', '?', '='), maxLength: 12 }),
    );
    const path = fc.array(segment, { maxLength: 6 }).map((segments) => segments.join('/'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            path,
            path.map((p) => `/${p}`),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        async (paths) => {
          expect(await routes(paths)).toEqual(paths.map(routeOf));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('appstats_error_message_of', () => {
  it.each([
    [`user ${UUID} not found`, 500, 'user # not found'],
    ['deadbeefcafe x deadbeefcafe1 y 12 z', 500, 'deadbeefcafe x # y # z'],
    [`x${UUID.replace(/-/g, '')}z`, 500, 'x#z'],
    [`a${UUID.replace(/-/g, '')}b`, 500, '#'],
    ['aaaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 500, 'a#'],
    ['timeout after 3000ms (try 2/5)', 500, 'timeout after #ms (try #/#)'],
    ['x'.repeat(250), 500, 'x'.repeat(200)],
    ['日'.repeat(201), 500, '日'.repeat(200)],
    [null, 503, 'HTTP 503'],
    ['', 200, ''],
  ])('%j, %j → %j', async (error, status, message) => {
    expect(await messages([[error, status]])).toEqual([message]);
    expect(errorMessageOf(error, status)).toBe(message);
  });

  it('agrees with the reference on random messages', async () => {
    const piece = fc.oneof(
      fc.uuid(),
      fc.stringMatching(/^[0-9a-fA-F]{1,14}$/),
      fc.string({ unit: fc.constantFrom('a', 'B', 'z', '0', '9', '-', ' ', '#', 'é', '😀', '\n'), maxLength: 10 }),
    );
    const error = fc.option(
      fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join('')),
      { nil: null, freq: 8 },
    );
    const cases = fc.array(fc.tuple(error, fc.integer({ min: -1, max: 999 })), { minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(cases, async (list) => {
        expect(await messages(list)).toEqual(list.map(([e, s]) => errorMessageOf(e, s)));
      }),
      { numRuns: 60 },
    );
  });

  it('are immutable and parallel safe SQL functions the planner inlines', async () => {
    const { rows } = await sql<{ name: string; volatile: string; parallel: string; lang: string; config: string[] | null }>`
      select p.proname as name, p.provolatile as volatile, p.proparallel as parallel, l.lanname as lang, p.proconfig as config
      from pg_proc p join pg_language l on l.oid = p.prolang
      where p.proname in ('appstats_route_of', 'appstats_error_message_of') order by 1`.execute(database.current.db);
    expect(rows).toEqual([
      { name: 'appstats_error_message_of', volatile: 'i', parallel: 's', lang: 'sql', config: null },
      { name: 'appstats_route_of', volatile: 'i', parallel: 's', lang: 'sql', config: null },
    ]);
    const plan = await sql<{ 'QUERY PLAN': string }>`
      explain (verbose, costs off) select appstats_route_of(path) from route_invocations`.execute(database.current.db);
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('regexp_replace(split_part(');
  });
});
