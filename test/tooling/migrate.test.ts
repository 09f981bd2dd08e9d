import { readdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase } from '../../scripts/test-env';
import { createDatabase } from '../../server/db/client';
import { migrations } from '../../server/db/migration-list';
import { ensureDatabase } from '../../server/embedded/postgres';
import { runScript } from '../helpers/cli';

const adminUrl = process.env.TEST_ADMIN_URL ?? '';
const name = `t_migrate_${randomBytes(4).toString('hex')}`;

afterAll(() => dropDatabase(adminUrl, name));

describe('db:migrate', () => {
  it('lists every migration file', () => {
    const files = readdirSync(path.resolve('server/db/migrations')).map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
    for (const file of files) expect(file).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });

  it('succeeds from four processes at once and applies each migration once', async () => {
    const url = await ensureDatabase(adminUrl, name);
    const results = await Promise.all([1, 2, 3, 4].map(() => runScript('db:migrate', [], url)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const database = createDatabase(url, { max: 1 });
    try {
      const rows = await database.db
        .selectFrom('kysely_migration' as never)
        .select(['name' as never])
        .execute();
      expect(rows.map((r) => (r as { name: string }).name).sort()).toEqual(Object.keys(migrations).sort());
    } finally {
      await database.destroy();
    }
    const again = await runScript('db:migrate', [], url);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  });
});
