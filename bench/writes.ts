import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import { ensureDatabase, startEmbedded } from '../server/embedded/postgres';
import { FULL } from './config';
import { createTwinTables, measureCopy, measureWriters } from './ingest';
import { formatTable } from './report';

// `npx tsx bench/writes.ts [repeats]`: only the write-path rows of `npm run
// bench` (COPY of 10^6 rows and 16 single-row writers, each with rollups
// against trigger-less twin tables), at the full run's sizes, on a throwaway
// embedded PostgreSQL; repeated to show the spread. Leaves RESULTS.md alone.

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? '1');
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const folder = mkdtempSync(path.join(tmpdir(), 'appstats-bench-writes-'));
  const server = await startEmbedded({ dataDir: path.join(folder, 'pg'), throwaway: true });
  try {
    const url = await ensureDatabase(server.adminUrl, 'bench');
    const database = createDatabase(url, { max: 24 });
    try {
      await migrateOrThrow(database.db);
      await createTwinTables(database);
      for (let i = 0; i < repeats; i++) {
        const rows = [...(await measureCopy(database, FULL, log)), ...(await measureWriters(database, FULL, log))];
        process.stdout.write(`${formatTable(rows)}\n`);
      }
    } finally {
      await database.destroy();
    }
  } finally {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
