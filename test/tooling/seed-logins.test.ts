import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS, seedDemoData } from '../../server/seed/index';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

// The demo logins `npm run dev` prints (issue 19): each description names every
// role its user has, as the seeded memberships and ownerships say, and nothing else.

let database: TestDatabase & { drop(): Promise<void> };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.db, { onlyWhenEmpty: true });
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

/** "owner of storefront, status-page and sandbox; member of team-wiki" → [['owner', 'storefront'], …]. */
function claims(description: string): string[] {
  return [...description.matchAll(/(owner|admin|member|viewer) of ([a-z-]+(?:(?:, | and )[a-z-]+)*)/g)].flatMap((m) =>
    (m[2] ?? '').split(/, | and /).map((app) => `${m[1]} ${app}`),
  );
}

describe('the demo logins', () => {
  it('describe every membership and ownership of each user', async () => {
    const db = database.db;
    for (const login of DEMO_LOGINS) {
      const user = await db.selectFrom('users').select(['id', 'is_admin']).where('username', '=', login.username).executeTakeFirstOrThrow();
      const owned = await db.selectFrom('apps').select('natural_id').where('owner_id', '=', user.id).execute();
      const member = await db
        .selectFrom('memberships')
        .innerJoin('apps', 'apps.id', 'memberships.app_id')
        .select(['apps.natural_id', 'memberships.role'])
        .where('memberships.user_id', '=', user.id)
        .execute();
      const actual = [...owned.map((a) => `owner ${a.natural_id}`), ...member.map((m) => `${m.role} ${m.natural_id}`)].sort();
      expect(claims(login.description).sort(), login.username).toEqual(actual);
      expect(login.description.includes('platform admin'), login.username).toBe(user.is_admin);
    }
  });
});
