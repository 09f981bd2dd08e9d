import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';
import { trpcErrorOf } from '../helpers/errors';
import { callerFor, makeApp, makeUser, type TestApp, type TestUser } from '../helpers/fixtures';

// insights.range (CONTRACT §8 "Ranges"): the days and hours a zone really has,
// the defaults, the previous period, and every rule broken naming its field.

const database = useTestDatabase();
const NOW = new Date('2024-11-15T10:00:00.000Z');
let owner: TestUser;
let reader: TestUser;
let outsider: TestUser;
let app: TestApp;
let publicApp: TestApp;

beforeAll(async () => {
  const db = database.current.db;
  owner = await makeUser(db);
  reader = await makeUser(db);
  outsider = await makeUser(db);
  app = await makeApp(db, owner, { members: [[reader, 'viewer']] });
  publicApp = await makeApp(db, owner, { visibility: 'public' });
});

const range = async (user: TestUser, input: Record<string, string>, appId = app.id) =>
  (await callerFor(database.current.db, user, () => NOW)).insights.range({ appId, ...input });

describe('insights.range', () => {
  it('counts 25 hours on the day Berlin sets its clocks back, the repeated hour twice with one label', async () => {
    const answer = await range(owner, { tz: 'Europe/Berlin', from: '2024-10-27', to: '2024-10-27' });
    expect(answer.interval).toBe('hour');
    expect(answer.series).toHaveLength(25);
    expect(answer.series.filter((e) => e.local === '2024-10-27T02:00').map((e) => e.start)).toEqual([
      '2024-10-27T00:00:00.000Z',
      '2024-10-27T01:00:00.000Z',
    ]);
    const spring = await range(owner, { tz: 'Europe/Berlin', from: '2024-03-31', to: '2024-03-31' });
    expect(spring.series).toHaveLength(23);
    expect(spring.series.map((e) => e.local)).not.toContain('2024-03-31T02:00');
  });

  it('has a half-hour bucket on the days Lord Howe shifts by 30 minutes', async () => {
    const back = await range(owner, { tz: 'Australia/Lord_Howe', from: '2024-04-07', to: '2024-04-07' });
    expect(back.series).toHaveLength(25);
    expect(back.series.map((e) => e.local)).toContain('2024-04-07T01:30');
    const forward = await range(owner, { tz: 'Australia/Lord_Howe', from: '2024-10-06', to: '2024-10-06' });
    expect(forward.series).toHaveLength(24);
    expect(forward.series.map((e) => e.local)).toContain('2024-10-06T02:30');
  });

  it('starts a Kathmandu day at 18:15 UTC and puts each event in its local day', async () => {
    await database.current.db
      .insertInto('route_invocations')
      .values(
        ['2024-11-09T18:14:59.999Z', '2024-11-09T18:15:00.000Z'].map((t, i) => ({
          app_id: app.id,
          method: 'GET',
          path: '/k',
          started_at: new Date(t),
          duration_ms: 100 * (i + 1),
          status_code: 200,
        })),
      )
      .execute();
    const answer = await range(owner, { tz: 'Asia/Kathmandu', from: '2024-11-09', to: '2024-11-10', interval: 'day' });
    expect(answer.series.map((e) => [e.start, e.local, e.invocations, e.computeMs])).toEqual([
      ['2024-11-08T18:15:00.000Z', '2024-11-09', 1, 100],
      ['2024-11-09T18:15:00.000Z', '2024-11-10', 1, 200],
    ]);
    // A percentile is within 2 % (CONTRACT §8), not exact, past 50 ms.
    expect(Math.abs((answer.series[0]?.p50DurationMs ?? 0) - 100)).toBeLessThanOrEqual(2);
  });

  it('defaults to the last 30 days of the zone by day, and compares with the 30 before', async () => {
    const answer = await range(owner, { tz: 'Pacific/Kiritimati' });
    expect(answer).toMatchObject({ tz: 'Pacific/Kiritimati', from: '2024-10-18', to: '2024-11-16', interval: 'day' });
    expect(answer.series).toHaveLength(30);
    expect((await range(owner, { from: '2024-11-14' })).to).toBe('2024-11-15');
    expect((await range(owner, { to: '2024-02-29' })).from).toBe('2024-01-31');
    const empty = await range(owner, { from: '2030-01-01', to: '2030-01-01' });
    expect(empty.totals).toMatchObject({ invocations: 0, avgDurationMs: 0, errorRate: 0, p50DurationMs: null, peakMemoryBytes: 0 });
  });

  it('counts the previous period over as many days of the zone, ending the day before `from`', async () => {
    await sql`insert into view_events (app_id, viewed_at) values (${publicApp.id}, '2024-11-01T12:00:00Z'), (${publicApp.id}, '2024-11-03T12:00:00Z')`.execute(
      database.current.db,
    );
    const answer = await range(reader, { from: '2024-11-03', to: '2024-11-04' }, publicApp.id);
    expect([answer.totals.views, answer.previous.views]).toEqual([1, 1]);
  });

  it('lets a reader and a reader of a public app in, and keeps an outsider out as if the app did not exist', async () => {
    expect((await range(reader, { from: '2024-11-01' })).appId).toBe(app.id);
    expect((await range(outsider, {}, publicApp.id)).appId).toBe(publicApp.id);
    expect((await trpcErrorOf(range(outsider, {}))).code).toBe('NOT_FOUND');
  });

  it.each([
    [{ tz: 'Mars/Olympus' }, /^tz: /],
    [{ tz: 'UTC+5' }, /^tz: /],
    [{ tz: 'utc; select 1' }, /^tz: /],
    [{ from: '2024-02-30' }, /from/],
    [{ to: '24-01-01' }, /"to"/],
    [{ from: '2024-05-02', to: '2024-05-01' }, /^from: must not be after to/],
    [{ from: '2023-01-01', to: '2024-02-05' }, /^from: .*400 days/],
    [{ from: '2024-01-01', to: '2024-02-01', interval: 'hour' }, /^interval: /],
    [{ interval: 'week' }, /interval/],
  ])('refuses %j naming the field', async (input, message) => {
    const error = await trpcErrorOf(range(owner, input as Record<string, string>));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(message);
  });
});
