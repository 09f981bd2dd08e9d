import { createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import type { BenchConfig } from './config';
import { measureExport } from './export';
import type { BenchRow } from './report';

/** The table export rows (bench/export.ts) on the database at `url`, migrated here if it is not yet. */
export async function runExportBench(
  url: string,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const database = createDatabase(url, { max: 4 });
  try {
    await migrateOrThrow(database.db);
    return await measureExport(database, config, log);
  } finally {
    await database.destroy();
  }
}
