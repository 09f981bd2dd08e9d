import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups } from '../../server/queries/stats/maintain';
import * as raw from '../oracle/stats-raw';
import * as rollup from '../../server/queries/stats/read';
import { useTestDatabase } from '../helpers/database';
import { NOW, applyOp, eventOp } from '../helpers/event-ops';
import { callerFor, makeApp, makeUser, type TestUser } from '../helpers/fixtures';

// Whatever sequence of writes happens, every figure of /stats and /stats/api
// read from the rollups equals the same figure computed by plain SQL over the
// raw rows (oracle/stats-raw.ts), and so does every rollup row (checkRollups).

const database = useTestDatabase();
// Writes go through three connections in turn, so rollup rows land in several counter slots.
let clients: pg.Client[] = [];
let owner: TestUser;
let apps: string[];

beforeAll(async () => {
  clients = [0, 1, 2].map(() => new pg.Client({ connectionString: database.current.url }));
  await Promise.all(clients.map((c) => c.connect()));
  owner = await makeUser(database.current.db);
  apps = [(await makeApp(database.current.db, owner)).id, (await makeApp(database.current.db, owner)).id];
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
});

async function expectRollupsMatchRaw(step: string): Promise<void> {
  const db = database.current.db;
  for (const appId of apps) {
    const [views, api, daily] = await Promise.all([
      rollup.getViewStats(db, appId, NOW),
      rollup.getApiSummary(db, appId, NOW),
      rollup.getDailyInvocations(db, appId, NOW),
    ]);
    expect({ views, api, daily }, step).toEqual({
      views: await raw.getViewStats(db, appId, NOW),
      api: await raw.getApiSummary(db, appId, NOW),
      daily: await raw.getDailyInvocations(db, appId, NOW),
    });
    expect(await checkRollups(db, appId), step).toEqual([]);
  }
}

describe('rollups (property)', () => {
  it('equal plain SQL over the raw rows after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventOp, { minLength: 1, maxLength: 14 }), async (ops) => {
        await clients[0]?.query('truncate view_events, route_invocations');
        for (const [i, op] of ops.entries()) {
          await applyOp(clients[i % clients.length] as pg.Client, apps, op);
          await expectRollupsMatchRaw(`after op ${i}: ${JSON.stringify(op)}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('serve the same figures through stats.overview and stats.api', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventOp, { minLength: 1, maxLength: 8 }), async (ops) => {
        await clients[0]?.query('truncate view_events, route_invocations');
        for (const [i, op] of ops.entries()) await applyOp(clients[i % clients.length] as pg.Client, apps, op);
        const db = database.current.db;
        const caller = await callerFor(db, owner, () => NOW);
        for (const appId of apps) {
          const { storage: _storage, appId: _id, api, ...views } = await caller.stats.overview({ appId });
          const { daily } = await caller.stats.api({ appId });
          expect({ views, api, daily }).toEqual({
            views: await raw.getViewStats(db, appId, NOW),
            api: await raw.getApiSummary(db, appId, NOW),
            daily: await raw.getDailyInvocations(db, appId, NOW),
          });
        }
      }),
      { numRuns: 15 },
    );
  });
});
