import { describe, expect, it } from 'vitest';
import { BudgetStore } from '../../server/auth/budget-store';
import { useTestDatabase } from '../helpers/database';
import { unique } from '../helpers/fixtures';

// The per-call budget is counted in memory (no write per request) and shared
// through rate_limits: two stores on one database stand for two server processes.

const database = useTestDatabase();
const WINDOW_MS = 60_000;

async function storedHits(key: string): Promise<number | undefined> {
  const row = await database.current.db.selectFrom('rate_limits').select('hits').where('key', '=', key).executeTakeFirst();
  return row?.hits;
}

describe('the budget store', () => {
  it('counts hits in memory and reports them in one statement', async () => {
    const store = new BudgetStore(database.current.db, WINDOW_MS);
    const key = unique('token');
    const now = new Date();
    for (let i = 1; i <= 5; i++) expect((await store.hit(key, now)).hits).toBe(i);
    expect(await storedHits(key)).toBeUndefined();
    await store.flush();
    expect(await storedHits(key)).toBe(5);
  });

  it('shares one budget between processes, each learning of the other within a report', async () => {
    const db = database.current.db;
    const [first, second] = [new BudgetStore(db, WINDOW_MS), new BudgetStore(db, WINDOW_MS)];
    const key = unique('token');
    const now = new Date();
    for (let i = 0; i < 5; i++) await first.hit(key, now);
    await first.flush();
    // A process that meets the key for the first time starts from what is stored.
    expect((await second.hit(key, now)).hits).toBe(6);
    for (let i = 0; i < 7; i++) await second.hit(key, now);
    await second.flush();
    expect(await storedHits(key)).toBe(13);
    expect((await first.hit(key, now)).hits).toBe(6);
    await first.flush();
    expect((await first.hit(key, now)).hits).toBe(15);
  });

  it('starts a new window once the old one ended, in memory and in the table', async () => {
    const store = new BudgetStore(database.current.db, WINDOW_MS);
    const key = unique('token');
    const start = new Date();
    for (let i = 0; i < 3; i++) await store.hit(key, start);
    await store.flush();
    const later = new Date(start.getTime() + WINDOW_MS + 1);
    expect((await store.hit(key, later)).hits).toBe(1);
    await store.flush();
    expect(await storedHits(key)).toBe(1);
  });
});
