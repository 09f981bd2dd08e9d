import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { cloneTemplate, dropDatabase } from '../../scripts/test-env';
import { type Database, createDatabase } from '../../server/db/client';

export interface TestDatabase extends Database {
  url: string;
}

function settings(): { adminUrl: string; template: string } {
  const adminUrl = process.env.TEST_ADMIN_URL;
  const template = process.env.TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('TEST_ADMIN_URL/TEST_TEMPLATE_DB unset: run tests through `npm test` or vitest');
  return { adminUrl, template };
}

/** A fresh migrated database of its own (cloned from the template), dropped by the returned function. */
export async function createTestDatabase(): Promise<TestDatabase & { drop(): Promise<void> }> {
  const { adminUrl, template } = settings();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = await cloneTemplate(adminUrl, template, name);
  const database = createDatabase(url, { max: 5 });
  return {
    ...database,
    url,
    drop: async () => {
      await database.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}

/**
 * A database for the whole test file: created before its tests and dropped
 * after. Read `.current` inside tests and hooks.
 */
export function useTestDatabase(): { current: TestDatabase } {
  const holder = {} as { current: TestDatabase; drop?: () => Promise<void> };
  beforeAll(async () => {
    const database = await createTestDatabase();
    holder.current = database;
    holder.drop = database.drop;
  });
  afterAll(async () => {
    await holder.drop?.();
  });
  return holder;
}

/**
 * Runs `statement` as `role` in a transaction that is rolled back, after `setup`
 * (run as the connecting user, e.g. creating the role); the SQLSTATE it fails
 * with, or 'ok'.
 */
export async function sqlStateAs(url: string, role: string, statement: string, setup: readonly string[] = []): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    for (const text of setup) await client.query(text);
    await client.query(`set local role ${client.escapeIdentifier(role)}`);
    await client.query(statement);
    return 'ok';
  } catch (error) {
    return String((error as { code?: string }).code);
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}
