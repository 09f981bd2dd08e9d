import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDatabase, startEmbedded } from '../server/embedded/postgres';
import { configFromEnv } from './config';
import { describeMachine, formatTable, renderResults } from './report';
import { runBench } from './run';
import { runLiveBench } from './live';
import { runExportBench } from './export-run';
import { comparedToPrevious, readPreviousRun } from './previous';

// `npm run bench`: a throwaway embedded PostgreSQL on loopback, every
// measurement beside its reference, one table on stdout and in RESULTS.md.
// BENCH_SCALE=small runs the tiny version (and leaves RESULTS.md alone);
// BENCH_SCALE=small BENCH_HTTP=1 adds a short HTTP part to it.

const RESULTS = path.resolve(import.meta.dirname, 'RESULTS.md');

async function main(): Promise<void> {
  const config = configFromEnv();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const folder = mkdtempSync(path.join(tmpdir(), 'appstats-bench-'));
  // pg_stat_statements counts the HTTP part's statements per request (bench/statements.ts).
  const settings = config.http ? ['shared_preload_libraries=pg_stat_statements'] : [];
  const server = await startEmbedded({ dataDir: path.join(folder, 'pg'), throwaway: true, settings });
  try {
    const url = await ensureDatabase(server.adminUrl, 'bench');
    const started = Date.now();
    const loadBefore = loadavg()[0] ?? 0;
    // BENCH_ONLY=live: only the live rows (bench/live.ts), never written to RESULTS.md.
    // BENCH_ONLY=export: only the table export rows (bench/export.ts), likewise.
    const only = process.env.BENCH_ONLY === 'live' || process.env.BENCH_ONLY === 'export';
    const main = only ? { rows: [], notes: [], machine: describeMachine('PostgreSQL (embedded)') } : await runBench(url, config, log);
    const live = process.env.BENCH_ONLY === 'export' ? { rows: [], notes: [] } : await runLiveBench(url, config, log);
    const exported = process.env.BENCH_ONLY === 'live' ? { rows: [], notes: [] } : await runExportBench(url, config, log);
    const result = {
      ...main,
      rows: [...main.rows, ...live.rows, ...exported.rows],
      notes: [...main.notes, ...live.notes, ...exported.notes],
    };
    const notes = [
      ...result.notes,
      ...comparedToPrevious(result.rows, readPreviousRun(RESULTS)),
      `The whole run took ${((Date.now() - started) / 1000).toFixed(0)} s; the machine's 1-minute load average was ${loadBefore.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end (other work shares it).`,
    ];
    process.stdout.write(`${formatTable(result.rows)}\n`);
    if (config.name === 'full' && !only) {
      writeFileSync(RESULTS, renderResults({ ...result, notes, config: config.name, date: new Date() }));
      log(`written to ${RESULTS}`);
    } else {
      for (const row of result.rows.filter((r) => r.met === false)) log(`missed: ${row.measurement}: ${row.missed ?? ''}`);
      for (const note of notes) log(`note: ${note}`);
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
