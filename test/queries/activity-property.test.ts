import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { listErrorGroups } from '../../server/queries/activity/errors';
import type { ActivityRange, LogFilters, StatusClass } from '../../server/queries/activity/filters';
import { invocationLogPages, readInvocationLog } from '../../server/queries/activity/log';
import type { InvocationLogItem } from '../../server/schemas/activity';
import { useTestDatabase } from '../helpers/database';
import { makeUser, type TestUser } from '../helpers/fixtures';
import { rawErrorGroups, rawLog } from '../oracle/activity-raw';
import { routeOf } from '../oracle/normalise-ref';

// The log's filters and paging, and the error groups, against plain SQL over
// the raw rows (oracle/activity-raw.ts) for random invocations, ranges, zones
// and filters. Instants crowd around DST changes and local midnights, carry
// microseconds, and repeat (so the id decides between rows of one instant).

const database = useTestDatabase();
const ZONES = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe'] as const;
const BASE = Date.parse('2024-10-25T00:00:00Z');
const HOUR = 3_600_000;
let users: TestUser[] = [];

beforeAll(async () => {
  users = [await makeUser(database.current.db), await makeUser(database.current.db)];
});

const PATHS = [
  '/api/items/1',
  '/api/items/22?x=3',
  '/api/items/abcdef12',
  '/api/items/deadbeef',
  `/u/${randomUUID()}/`,
  '/',
  '/a.b/%31',
  '/日本/123',
];
const ERRORS = ['boom', 'user 42 not found', `lock ${randomUUID()} held`, 'hash abcdef0123 bad', 'ok 7', 'x'.repeat(230) + '1'];

const invocation = fc.record({
  // 5 days from BASE (Berlin sets its clocks back in them), to the microsecond; quarter hours repeat.
  at: fc.oneof(
    fc.integer({ min: 0, max: 5 * 24 * 4 }).map((q) => q * 15 * 60_000 * 1000),
    fc.integer({ min: 0, max: 5 * 24 * HOUR * 1000 }),
  ),
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'get'),
  path: fc.constantFrom(...PATHS),
  user: fc.integer({ min: 0, max: 3 }),
  status: fc.constantFrom(200, 204, 301, 404, 499, 500, 503, 600),
  error: fc.option(fc.constantFrom(...ERRORS), { nil: null, freq: 2 }),
  memory: fc.option(fc.integer({ min: 0, max: 9e12 }), { nil: null }),
});

const rangeArb = fc.record({
  tz: fc.constantFrom(...ZONES),
  first: fc.integer({ min: -1, max: 4 }),
  days: fc.integer({ min: 1, max: 3 }),
});

/** Mostly absent, so that a combination of filters still finds rows. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const filtersArb = fc.record({
  status: sometimes(fc.constantFrom<StatusClass>('2xx', '3xx', '4xx', '5xx', 'failed')),
  method: sometimes(fc.constantFrom('GET', 'POST', 'get', 'PUT')),
  route: sometimes(fc.constantFrom(...PATHS.map(routeOf), '/api/items/')),
  user: sometimes(fc.constantFrom(0, 1, 2, 3)),
});

const day = (offset: number) => new Date(BASE + offset * 24 * HOUR).toISOString().slice(0, 10);

interface Row {
  at: number;
  method: string;
  path: string;
  user: number;
  status: number;
  error: string | null;
  memory: number | null;
}

/** Inserts `rows` for `appId`; `durationMs` marks them (the rows that arrive while the log is paged use 2). */
async function insert(appId: string, rows: Row[], durationMs = 1): Promise<void> {
  if (rows.length === 0) return;
  const userIds = [null, users[0]?.id, users[1]?.id, randomUUID()];
  const values = rows.map((row) => {
    const micros = BigInt(BASE) * 1000n + BigInt(row.at);
    const instant = new Date(Number(micros / 1000n)).toISOString().replace('Z', `${String(micros % 1000n).padStart(3, '0')}Z`);
    return sql`(${appId}::uuid, ${row.method}, ${row.path}, ${userIds[row.user] ?? null}::uuid, ${instant}::timestamptz, ${durationMs}, ${row.status}, ${row.memory}::bigint, ${row.error})`;
  });
  await sql`insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    values ${sql.join(values)}`.execute(database.current.db);
}

function filtersOf(chosen: {
  status: StatusClass | undefined;
  method: string | undefined;
  route: string | undefined;
  user: number | undefined;
}): LogFilters {
  const names = [users[0]?.username, users[1]?.username, 'anonymous', 'nobody-at-all'];
  return { ...chosen, user: chosen.user === undefined ? undefined : names[chosen.user] };
}

describe('the invocation log', () => {
  it('pages through exactly the rows plain SQL finds, newest first, for any filters, range and zone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(invocation, { minLength: 5, maxLength: 60 }),
        rangeArb,
        filtersArb,
        fc.integer({ min: 1, max: 7 }),
        async (rows, r, chosen, limit) => {
          const appId = randomUUID();
          await insert(appId, rows);
          // Another app's rows at the same instants never show.
          await insert(randomUUID(), rows.slice(0, 5));
          const range: ActivityRange = { tz: r.tz, from: day(r.first), to: day(r.first + r.days - 1) };
          const filters = filtersOf(chosen);
          const expected = await rawLog(database.current.db, appId, range, filters);
          const walked: InvocationLogItem[] = [];
          let page = await readInvocationLog(database.current.db, appId, { range, filters, limit });
          walked.push(...page.items);
          while (page.next) {
            expect(page.items).toHaveLength(limit);
            page = await readInvocationLog(database.current.db, appId, { range, filters, after: page.next, limit });
            walked.push(...page.items);
          }
          expect(walked).toEqual(expected);
          const streamed: InvocationLogItem[] = [];
          for await (const items of invocationLogPages(database.current.db, appId, { range, filters, pageSize: 3 }))
            streamed.push(...items);
          expect(streamed).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('walks every row that matched page 1 exactly once, newest first, while rows arrive between pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(invocation, { minLength: 5, maxLength: 40 }),
        fc.array(fc.array(invocation, { maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        rangeArb,
        filtersArb,
        fc.integer({ min: 1, max: 5 }),
        async (rows, arrivals, r, chosen, limit) => {
          const appId = randomUUID();
          await insert(appId, rows);
          const range: ActivityRange = { tz: r.tz, from: day(r.first), to: day(r.first + r.days - 1) };
          const filters = filtersOf(chosen);
          const expected = await rawLog(database.current.db, appId, range, filters);
          let page = await readInvocationLog(database.current.db, appId, { range, filters, limit });
          const walked = [...page.items];
          for (let turn = 0; page.next; turn++) {
            // Newer, older and same-instant rows land between the first pages, some matching the filters.
            await insert(appId, arrivals[turn] ?? [], 2);
            page = await readInvocationLog(database.current.db, appId, { range, filters, after: page.next, limit });
            walked.push(...page.items);
          }
          const key = (item: InvocationLogItem) => JSON.stringify(item);
          expect(
            walked
              .filter((item) => item.durationMs === 1)
              .map(key)
              .sort(),
          ).toEqual(expected.map(key).sort());
          const times = walked.map((item) => item.startedAt);
          expect(times).toEqual([...times].sort().reverse());
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('the error groups', () => {
  it('are what plain SQL groups, in order, with the newest as sample', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(invocation, { minLength: 10, maxLength: 80 }),
        rangeArb,
        fc.oneof(
          { weight: 3, arbitrary: fc.constant({}) },
          fc.record({ method: fc.constantFrom('GET', 'POST'), route: fc.constantFrom(...PATHS.map(routeOf)) }, { requiredKeys: [] }),
        ),
        fc.integer({ min: 1, max: 12 }),
        async (rows, r, narrow, limit) => {
          const appId = randomUUID();
          await insert(appId, rows);
          const range: ActivityRange = { tz: r.tz, from: day(r.first), to: day(r.first + r.days - 1) };
          const options = { ...narrow, limit };
          const expected = await rawErrorGroups(database.current.db, appId, range, options);
          expect(await listErrorGroups(database.current.db, appId, { range, ...options })).toEqual(expected);
        },
      ),
      { numRuns: 80 },
    );
  });
});
