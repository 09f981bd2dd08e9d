import { sql } from 'kysely';
import { createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import { ensurePartitions } from '../server/queries/stats/retention';
import { measureCeiling } from './ceiling';
import type { BenchConfig } from './config';
import { createTwinTables, measureCopy, measureWriters } from './ingest';
import { measureHttp } from './http';
import { type BenchRow, type Machine, describeMachine } from './report';
import { measureRangeReads } from './range-reads';
import { measureRouteReads } from './route-reads';
import { measureActivityReads } from './activity-reads';
import { measureStatsReads } from './stats-reads';
import { createWorkspaces, measureWorkspace } from './workspace';

export interface BenchResult {
  rows: BenchRow[];
  notes: string[];
  machine: Machine;
}

/**
 * Runs every measurement against the empty database at `url` (migrated here):
 * ingestion first, on empty tables, then the /stats reads at growing scales,
 * then the workspace reads, then (full runs) ingestion and load over HTTP.
 */
export async function runBench(url: string, config: BenchConfig, log: (line: string) => void): Promise<BenchResult> {
  const database = createDatabase(url, { max: 24 });
  try {
    await migrateOrThrow(database.db);
    const { rows: version } = await sql<{ version: string }>`select version()`.execute(database.db);
    // The events are loaded over the past spreadDays: their months get partitions first, as before a backfill.
    await ensurePartitions(database.db, { since: new Date(Date.now() - (config.spreadDays + 1) * 86_400_000) });
    await createTwinTables(database);
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const reads = await measureStatsReads(database, config, log);
    rows.push(...reads.rows);
    notes.push(...reads.notes);
    rows.push(...(await measureRangeReads(database, reads.loaded, config.samples, log)));
    rows.push(...(await measureRouteReads(database, reads.loaded, config.samples, log)));
    rows.push(...(await measureActivityReads(database, reads.loaded, config.samples, log)));
    const ceiling = await measureCeiling(database, reads.loaded, log);
    rows.push(...ceiling.rows);
    notes.push(...ceiling.notes);
    rows.push(...(await measureCopy(database, config, log)));
    rows.push(...(await measureWriters(database, config, log)));
    await createWorkspaces(database, config, log);
    const workspace = await measureWorkspace(database, config, log);
    rows.push(...workspace.rows);
    notes.push(...workspace.notes);
    if (config.http) {
      const http = await measureHttp(database, url, config, log);
      rows.push(...http.rows);
      notes.push(...http.notes);
    }
    return { rows, notes, machine: describeMachine(version[0]?.version ?? 'PostgreSQL (unknown version)') };
  } finally {
    await database.destroy();
  }
}
