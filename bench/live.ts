import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { type Database, createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import { COALESCE_MS, closeLiveHub } from '../server/live/hub';
import { liveStats } from '../server/live/stream';
import type { BenchConfig } from './config';
import { writeFor } from './ingest';
import { percentile } from './measure';
import { type BenchRow, ms, perRowWhy, throughputRow } from './report';
import type { BenchResult } from './run';

// Live figures (issue 16): what the NOTIFY trigger (server/db/sql/live/notify.sql)
// costs 16 single-row writers, against the same writers with that trigger
// disabled (the rollups on in both), and how long a commit takes to reach a
// live stream (server/live/stream.ts) while those writers run: the time from a
// probe INSERT's answer to the stream's event carrying the new total.

const TRIGGERS = ['stats_live_notify_insert', 'stats_live_notify_update', 'stats_live_notify_delete', 'stats_live_notify_truncate'];
const NOTIFY_GOAL = 0.9;
const PROBE_APPS = 10;
const THROTTLE_MS = 1000;
const BUSY_SPACING_MS = 150;
const LATENCY_GOAL_MS = 2000;

async function setNotify(database: Database, on: boolean): Promise<void> {
  for (const table of ['view_events', 'route_invocations']) {
    for (const trigger of TRIGGERS) {
      await sql.raw(`alter table ${table} ${on ? 'enable' : 'disable'} trigger ${trigger}`).execute(database.db);
    }
  }
}

/** 16 writers with and without the NOTIFY trigger; best of two rounds each. */
async function measureNotifyCost(database: Database, config: BenchConfig, log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  try {
    for (const table of ['view_events', 'route_invocations'] as const) {
      const best = { with: 0, without: 0 };
      for (let round = 0; round < 2; round++) {
        log(`${config.writers} writers into ${table}, NOTIFY off then on, round ${round + 1}…`);
        await setNotify(database, false);
        best.without = Math.max(best.without, await writeFor(database, config, table, table));
        await setNotify(database, true);
        best.with = Math.max(best.with, await writeFor(database, config, table, table));
      }
      const what = `the NOTIFY per statement (its global lock taken at commit, serialising the writers' commits)`;
      rows.push(
        throughputRow(`${config.writers} single-row writers, ${table}, live NOTIFY`, best.with, best.without, 'rollups without NOTIFY', {
          atLeast: NOTIFY_GOAL,
          why: perRowWhy(best.with, best.without, NOTIFY_GOAL, what),
        }),
      );
    }
  } finally {
    await setNotify(database, true);
  }
  return rows;
}

interface Probe {
  app: string;
  total: number;
  seen: number;
  wake: (() => void) | null;
}

/** One-row INSERTs into `table` of the probes in turn, each probe at most every `spacingMs`, until `until`: ms from answer to event. */
async function probe(database: Database, probes: Probe[], table: 'view_events' | 'route_invocations', spacingMs: number, until: number) {
  const latencies: number[] = [];
  for (let i = 0; performance.now() < until; i++) {
    const target = probes[i % probes.length];
    if (!target) break;
    const started = performance.now();
    if (table === 'view_events') await database.db.insertInto(table).values({ app_id: target.app, viewer_id: null }).execute();
    else
      await database.db
        .insertInto(table)
        .values({ app_id: target.app, method: 'GET', path: '/probe', started_at: new Date(), duration_ms: 1, status_code: 200 })
        .execute();
    const committed = performance.now();
    target.total++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      target.wake = () => {
        if (target.seen < target.total) return;
        clearTimeout(timer);
        resolve();
      };
      target.wake();
    });
    latencies.push(target.seen >= target.total ? performance.now() - committed : Number.POSITIVE_INFINITY);
    const wait = spacingMs / probes.length - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return latencies;
}

function latencyRows(what: string, latencies: number[], reference: string): BenchRow[] {
  return [50, 99].map((p) => {
    const value = percentile({ durations: latencies }, p);
    const met = value <= LATENCY_GOAL_MS;
    return {
      measurement: `live event after commit p${p}, ${what} (${latencies.length} probes)`,
      value: ms(value),
      reference,
      ratio: '',
      goal: `≤ ${LATENCY_GOAL_MS} ms`,
      met,
      ...(met ? {} : { missed: `${ms(value)} instead of ≤ ${LATENCY_GOAL_MS} ms` }),
    };
  });
}

/**
 * Commit-to-event latencies while `config.writers` writers load one app:
 * one-row INSERTs into quiet apps (each at most once a second, so each is
 * notified), then invocations into the loaded app itself (its notifications
 * throttled to one a second, the rest read by the hub's poll).
 */
async function measureLatency(database: Database, config: BenchConfig, log: (line: string) => void): Promise<BenchRow[]> {
  const seconds = Math.max(2, config.writerSeconds * 3);
  log(`live latency: ${config.writers} writers for ${seconds} s, probes into quiet apps, then into the loaded app…`);
  const abort = new AbortController();
  const loadApp = randomUUID();
  const quiet: Probe[] = Array.from({ length: PROBE_APPS }, () => ({ app: randomUUID(), total: 0, seen: 0, wake: null }));
  const busy: Probe = { app: loadApp, total: 0, seen: 0, wake: null };
  const streams = [busy, ...quiet].map(async (target) => {
    const recheck = async () => true;
    for await (const totals of liveStats({ db: database.db, appId: target.app, signal: abort.signal, recheck, recheckMs: 60_000 })) {
      target.seen = target === busy ? totals.totalInvocations : totals.totalViews;
      target.wake?.();
    }
  });
  const load = writeFor(database, { ...config, writerSeconds: seconds }, 'view_events', 'view_events', loadApp);
  const start = performance.now();
  await new Promise((r) => setTimeout(r, 200));
  const half = start + (seconds * 1000) / 2;
  const quietLatencies = await probe(database, quiet, 'view_events', THROTTLE_MS + 100, half);
  const busyLatencies = await probe(database, [busy], 'route_invocations', BUSY_SPACING_MS, start + seconds * 1000 - 300);
  await load;
  abort.abort();
  await Promise.all(streams);
  return [
    ...latencyRows(`quiet apps, ${config.writers} writers on another`, quietLatencies, 'each app notified'),
    ...latencyRows(`the app ${config.writers} writers load`, busyLatencies, `1 NOTIFY/s, ${ms(COALESCE_MS)} coalescing, 1 s poll`),
  ];
}

/** The live rows of `npm run bench` (BENCH_ONLY=live: only these), on the database at `url`. */
export async function runLiveBench(
  url: string,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<Pick<BenchResult, 'rows' | 'notes'>> {
  const database = createDatabase(url, { max: 24 });
  try {
    await migrateOrThrow(database.db);
    const rows = [...(await measureNotifyCost(database, config, log)), ...(await measureLatency(database, config, log))];
    await sql`truncate view_events, route_invocations`.execute(database.db);
    const notes = [
      "Live: the NOTIFY rows compare the same 16 single-row writers (rollups on) with the stats_live_notify_* triggers enabled and disabled; the latency rows time one-row INSERTs into probe apps, from the INSERT's answer to the live stream's event (server/live/stream.ts) carrying the new total, while 16 writers load one app: probes into quiet apps (each notified) and invocations into the loaded app (notified at most once a second, the rest read by the 1 s poll).",
    ];
    return { rows, notes };
  } finally {
    await closeLiveHub(database.db);
    await database.destroy();
  }
}
