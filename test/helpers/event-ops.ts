import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

// Random writes to view_events and route_invocations for the rollup property
// test: every way other writers change those tables (single and multi-row
// INSERT, INSERT … SELECT, COPY, UPDATE, DELETE, TRUNCATE), around UTC day and
// 15-minute boundaries, with null viewers, and inside rolled-back transactions.

/** The pinned clock of the property test: figures are asked for "now". */
export const NOW = new Date('2025-03-15T10:20:00.000Z');
const TODAY = Date.UTC(2025, 2, 15);
const DAY = 86_400_000;
const QUARTER = 900_000;

export const VIEWERS = [
  '0000000a-0000-4000-8000-000000000001',
  '0000000a-0000-4000-8000-000000000002',
  '0000000a-0000-4000-8000-000000000003',
];

/** A time near an edge that matters: a UTC midnight, a 15-minute bucket, the 7- and 30-day windows, or tomorrow. */
const timestamp = fc
  .tuple(
    fc.constantFrom(1, 0, -1, -6, -7, -29, -30, -31),
    fc.oneof(fc.constantFrom(0, 1, QUARTER - 1, QUARTER, DAY - 1, 10 * 3_600_000), fc.integer({ min: 0, max: DAY - 1 })),
  )
  .map(([day, ms]) => new Date(TODAY + day * DAY + ms));

const view = fc.record({ app: fc.nat(1), viewer: fc.option(fc.constantFrom(...VIEWERS), { freq: 3 }), at: timestamp });
const invocation = fc.record({
  app: fc.nat(1),
  at: timestamp,
  duration: fc.integer({ min: 0, max: 5000 }),
  status: fc.constantFrom(200, 201, 404, 499, 500, 503),
  memory: fc.option(fc.constantFrom(1_000, 2_000, 5_000, 1_048_576, 3_000_000_000), { freq: 4 }),
  error: fc.option(fc.constant('boom'), { freq: 4 }),
});
type View = typeof view extends fc.Arbitrary<infer T> ? T : never;
type Invocation = typeof invocation extends fc.Arbitrary<infer T> ? T : never;

/** A subset of rows, picked deterministically: `limit` rows from `offset` in (time, ctid) order. */
const subset = fc.record({ offset: fc.nat(6), limit: fc.integer({ min: 1, max: 6 }), newest: fc.boolean() });

type Table = 'view_events' | 'route_invocations';
const table = fc.constantFrom<Table>('view_events', 'route_invocations');

export type EventOp =
  | { kind: 'insert-views'; rows: View[] }
  | { kind: 'insert-invocations'; rows: Invocation[] }
  | { kind: 'copy-views'; rows: View[] }
  | { kind: 'copy-invocations'; rows: Invocation[] }
  | { kind: 'insert-select'; table: Table; app: number; start: Date; count: number; stepMinutes: number }
  | { kind: 'update'; table: Table; pick: { offset: number; limit: number; newest: boolean }; change: number; shiftMinutes: number }
  | { kind: 'delete'; table: Table; pick: { offset: number; limit: number; newest: boolean } }
  | { kind: 'delete-peak' }
  | { kind: 'truncate'; table: Table }
  | { kind: 'rolled-back'; ops: EventOp[] };

const plainOp: fc.Arbitrary<EventOp> = fc.oneof(
  // One-row INSERTs take their own path in the triggers (a slot's current bucket): they come often.
  { arbitrary: fc.record({ kind: fc.constant('insert-views' as const), rows: fc.array(view, { minLength: 1, maxLength: 1 }) }), weight: 6 },
  {
    arbitrary: fc.record({ kind: fc.constant('insert-invocations' as const), rows: fc.array(invocation, { minLength: 1, maxLength: 1 }) }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('insert-views' as const), rows: fc.array(view, { minLength: 2, maxLength: 5 }) }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constant('insert-invocations' as const), rows: fc.array(invocation, { minLength: 2, maxLength: 5 }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('copy-views' as const), rows: fc.array(view, { minLength: 1, maxLength: 15 }) }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('copy-invocations' as const), rows: fc.array(invocation, { minLength: 1, maxLength: 15 }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('insert-select' as const),
      table,
      app: fc.nat(1),
      start: timestamp,
      count: fc.integer({ min: 1, max: 40 }),
      stepMinutes: fc.constantFrom(1, 7, 15, 97, 1440),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      table,
      pick: subset,
      change: fc.nat(4),
      shiftMinutes: fc.constantFrom(-1440, -15, 1, 15, 600),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), table, pick: subset }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'delete-peak' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), table }), weight: 1 },
);

/** One random write, possibly a group of them in a transaction that rolls back. */
export const eventOp: fc.Arbitrary<EventOp> = fc.oneof(
  { arbitrary: plainOp, weight: 9 },
  {
    arbitrary: fc.record({ kind: fc.constant('rolled-back' as const), ops: fc.array(plainOp, { minLength: 1, maxLength: 3 }) }),
    weight: 1,
  },
);

const TIME: Record<Table, string> = { view_events: 'viewed_at', route_invocations: 'started_at' };

function picked(t: Table, pick: { offset: number; limit: number; newest: boolean }): string {
  const order = `${TIME[t]} ${pick.newest ? 'desc' : 'asc'}, ctid`;
  return `ctid in (select ctid from ${t} order by ${order} limit ${pick.limit} offset ${pick.offset})`;
}

// The column changes an update may make: move in time, move to the other app, or change the other figures.
type Change = (otherApp: string, minutes: number) => [set: string, params: unknown[]];
const UPDATES: Record<Table, Change[]> = {
  view_events: [
    (_, minutes) => ["viewed_at = viewed_at + $1 * interval '1 minute'", [minutes]],
    (otherApp) => ['app_id = $1', [otherApp]],
    () => ['viewer_id = null', []],
    () => ['viewer_id = $1', [VIEWERS[0]]],
    () => ['viewer_id = viewer_id', []],
  ],
  route_invocations: [
    (_, minutes) => ["started_at = started_at + $1 * interval '1 minute'", [minutes]],
    (otherApp) => ['app_id = $1', [otherApp]],
    // 7 ms more, or less where more would pass int4 (the hours test draws durations up to its maximum).
    () => ['memory_peak_bytes = null, duration_ms = case when duration_ms > 2147483640 then duration_ms - 7 else duration_ms + 7 end', []],
    () => ['status_code = 500, error = null, memory_peak_bytes = 4000000000', []],
    () => ["error = case when error is null then 'late' end, status_code = 200", []],
  ],
};

function copyText(rows: string[][]): string {
  return rows.map((cells) => `${cells.join('\t')}\n`).join('');
}

async function copy(client: pg.ClientBase, sql: string, text: string): Promise<void> {
  await pipeline(Readable.from([text]), client.query(copyFrom(sql)));
}

/** Applies one operation through `client` (its own connection, so a rolled-back group stays in one transaction). */
export async function applyOp(client: pg.ClientBase, apps: string[], op: EventOp): Promise<void> {
  const app = (i: number) => apps[i] ?? '';
  switch (op.kind) {
    case 'insert-views': {
      const values = op.rows.map((_, i) => `($${i * 3 + 1}::uuid, $${i * 3 + 2}::uuid, $${i * 3 + 3}::timestamptz)`).join(', ');
      await client.query(
        `insert into view_events (app_id, viewer_id, viewed_at) values ${values}`,
        op.rows.flatMap((r) => [app(r.app), r.viewer, r.at]),
      );
      return;
    }
    case 'insert-invocations': {
      const values = op.rows.map((_, i) => `(${[1, 2, 3, 4, 5, 6].map((k) => `$${i * 6 + k}`).join(', ')}, 'GET', '/p')`).join(', ');
      await client.query(
        `insert into route_invocations (app_id, started_at, duration_ms, status_code, memory_peak_bytes, error, method, path) values ${values}`,
        op.rows.flatMap((r) => [app(r.app), r.at, r.duration, r.status, r.memory, r.error]),
      );
      return;
    }
    case 'copy-views':
      return copy(
        client,
        'copy view_events (app_id, viewer_id, viewed_at) from stdin',
        copyText(op.rows.map((r) => [app(r.app), r.viewer ?? '\\N', r.at.toISOString()])),
      );
    case 'copy-invocations':
      return copy(
        client,
        'copy route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes, error) from stdin',
        copyText(
          op.rows.map((r) => [
            app(r.app),
            'POST',
            '/c',
            r.at.toISOString(),
            String(r.duration),
            String(r.status),
            r.memory === null ? '\\N' : String(r.memory),
            r.error ?? '\\N',
          ]),
        ),
      );
    case 'insert-select': {
      const at = `$3::timestamptz + i * ${op.stepMinutes} * interval '1 minute'`;
      if (op.table === 'view_events') {
        await client.query(
          `insert into view_events select $1::uuid, case when i % 3 = 0 then null else $4::uuid end, ${at} from generate_series(1, $2::int) i`,
          [app(op.app), op.count, op.start, VIEWERS[1]],
        );
      } else {
        await client.query(
          `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes, error)
           select $1::uuid, 'GET', '/g', ${at}, i * 3, case when i % 5 = 0 then 502 else 200 end, i * 1000, null
           from generate_series(1, $2::int) i`,
          [app(op.app), op.count, op.start],
        );
      }
      return;
    }
    case 'update': {
      const change = UPDATES[op.table][op.change] ?? UPDATES[op.table][0];
      const [set, params] = change?.(app(op.pick.offset % 2), op.shiftMinutes) ?? ['', []];
      await client.query(`update ${op.table} set ${set} where ${picked(op.table, op.pick)}`, params);
      return;
    }
    case 'delete':
      await client.query(`delete from ${op.table} where ${picked(op.table, op.pick)}`);
      return;
    case 'delete-peak':
      await client.query(`delete from route_invocations where ctid = (select ctid from route_invocations
        where memory_peak_bytes is not null order by memory_peak_bytes desc, ctid limit 1)`);
      return;
    case 'truncate':
      await client.query(`truncate ${op.table}`);
      return;
    case 'rolled-back':
      await client.query('begin');
      try {
        for (const inner of op.ops) await applyOp(client, apps, inner);
      } finally {
        await client.query('rollback');
      }
      return;
  }
}
