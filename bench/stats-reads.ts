import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Database } from '../server/db/client';
import * as raw from '../test/oracle/stats-raw';
import * as rollup from '../server/queries/stats/read';
import { type BenchConfig, power } from './config';
import { loadEvents } from './load';
import { type Samples, percentile, sample, sampleRoundRobin } from './measure';
import { type BenchRow, costRow, fasterRow } from './report';

type Figures = typeof rollup;

/** What GET /stats and /stats/api compute: the three figure functions at once, as the procedures call them. */
function statsRequest(database: Database, figures: Figures, appId: string, now: Date) {
  return () =>
    Promise.all([
      figures.getViewStats(database.db, appId, now),
      figures.getApiSummary(database.db, appId, now),
      figures.getDailyInvocations(database.db, appId, now),
    ]);
}

interface ScaleResult {
  events: number;
  rollup: { p50: number; p99: number; samples: number };
  naive: { p50: number; p99: number; samples: number };
  loadSeconds: number;
}

/**
 * /stats at each scale: loads that many view events and invocations for a
 * fresh app per scale (all apps share the tables, as on the platform), then
 * times the rollup reads of all scales round-robin, so a busy moment of the
 * machine hits every scale alike, and the naive raw-SQL reads of each.
 */
export async function measureStatsReads(
  database: Database,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[]; loaded: Array<{ events: number; appId: string }> }> {
  const now = new Date();
  const notes: string[] = [];
  const loaded: Array<{ events: number; appId: string; loadSeconds: number }> = [];
  const loadStart = performance.now();
  for (const events of config.statsScales) {
    const spent = (performance.now() - loadStart) / 1000;
    const last = loaded.at(-1);
    const projected = last ? (last.loadSeconds * events) / last.events : 0;
    if (spent + projected > config.loadBudgetSeconds) {
      notes.push(
        `/stats at ${power(events)} events was skipped: loading it would take about ${projected.toFixed(0)} s, past the ${config.loadBudgetSeconds} s load budget.`,
      );
      continue;
    }
    const appId = randomUUID();
    log(`loading ${power(events)} view events and invocations…`);
    const started = performance.now();
    await loadEvents(database.pool, appId, events, { days: config.spreadDays, now, connections: 16 });
    loaded.push({ events, appId, loadSeconds: (performance.now() - started) / 1000 });
  }
  await sql`vacuum analyze`.execute(database.db);
  log('timing /stats reads…');
  const requests = loaded.map((scale) => statsRequest(database, rollup, scale.appId, now));
  const fast = await sampleRoundRobin(requests, config.samples.fast, config.samples.seconds * loaded.length);
  const results: ScaleResult[] = [];
  for (const [i, scale] of loaded.entries()) {
    const slow = await sample(statsRequest(database, raw, scale.appId, now), {
      max: config.samples.slow,
      seconds: config.samples.seconds,
      warmup: 1,
    });
    const summary = (s: Samples) => ({ p50: percentile(s, 50), p99: percentile(s, 99), samples: s.durations.length });
    results.push({
      events: scale.events,
      rollup: summary(fast[i] ?? { durations: [] }),
      naive: summary(slow),
      loadSeconds: scale.loadSeconds,
    });
    notes.push(
      `/stats at ${power(scale.events)}: loaded in ${scale.loadSeconds.toFixed(0)} s (INSERT … SELECT through 16 connections, triggers on); ` +
        `${fast[i]?.durations.length ?? 0} rollup samples, ${slow.durations.length} naive samples (the p99 of few samples is their maximum).`,
    );
  }
  return { rows: statsRows(results), notes, loaded };
}

const WHY_SPEEDUP =
  'the naive reads scan every event of the last 30 days (and all of them for the totals), the rollup reads a few hundred rows.';
const WHY_FLAT =
  'the rollup read is a bounded number of index-scanned rows (30 days × used counter slots), so what varies is noise on a shared 2-core machine, not the event count.';

function statsRows(results: ScaleResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const largest = results.at(-1);
  for (const result of results) {
    const goal = result === largest ? { atLeast: 100, why: WHY_SPEEDUP } : undefined;
    rows.push(fasterRow(`/stats p50, ${power(result.events)} events`, result.rollup.p50, result.naive.p50, 'naive SQL', goal));
    rows.push(fasterRow(`/stats p99, ${power(result.events)} events`, result.rollup.p99, result.naive.p99, 'naive SQL', goal));
  }
  const smallest = results[0];
  if (smallest && largest && largest !== smallest) {
    const label = `${power(largest.events)} vs ${power(smallest.events)}`;
    rows.push(
      costRow(`/stats p50, ${label}`, largest.rollup.p50, smallest.rollup.p50, `at ${power(smallest.events)}`, {
        atMost: 1.5,
        why: WHY_FLAT,
      }),
    );
    rows.push(
      costRow(`/stats p99, ${label}`, largest.rollup.p99, smallest.rollup.p99, `at ${power(smallest.events)}`, {
        atMost: 1.5,
        why: WHY_FLAT,
      }),
    );
  }
  return rows;
}
