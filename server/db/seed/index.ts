import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../types';

export interface SeedLogin {
  username: string;
  password: string;
  description: string;
}

export interface SeedResult {
  seeded: boolean;
  logins: SeedLogin[];
}

export const DEMO_LOGINS: SeedLogin[] = [];

/** Whether the database holds any user, app or event yet. */
export async function databaseHasData(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ any: boolean }>`select exists (select 1 from users) or exists (select 1 from apps) as any`.execute(db);
  return rows[0]?.any ?? false;
}

/** Demo data for a first run; never touches a database that already has data. */
export async function seedDemoData(db: Kysely<DB>, options: { onlyWhenEmpty: boolean }): Promise<SeedResult> {
  if (options.onlyWhenEmpty && (await databaseHasData(db))) return { seeded: false, logins: DEMO_LOGINS };
  return { seeded: false, logins: DEMO_LOGINS };
}
