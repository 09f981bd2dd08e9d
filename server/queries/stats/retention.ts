import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types';

// Monthly partitions of the raw event tables and their retention (issue 18,
// server/db/sql/partitions/partitions.sql). The rollups keep every figure of
// the rows a dropped partition held: dropping fires no trigger.

/** One partition retention dropped (or, in a dry run, would drop). */
export interface DroppedPartition {
  table: 'view_events' | 'route_invocations';
  partition: string;
  /** The first instant the partition held; null for the legacy partition, which reached back to the start of time. */
  from: string | null;
  to: string;
  rows: number;
  bytes: number;
}

export interface RetentionResult {
  dryRun: boolean;
  keepDays: number;
  /** Raw rows before this instant were dropped (or would be); the partitions ending after it stay whole. */
  before: string;
  partitions: DroppedPartition[];
  rows: number;
  bytes: number;
}

/** Months of partitions the service keeps created ahead of the current one. */
export const MONTHS_AHEAD = 3;

/**
 * Creates the partitions of this UTC month and `monthsAhead` after it (and of
 * every month from `since` on, before a backfill), and moves rows the default
 * partition holds into partitions of their months. Returns how many it made.
 */
export async function ensurePartitions(
  db: Kysely<DB>,
  { monthsAhead = MONTHS_AHEAD, since = null }: { monthsAhead?: number; since?: Date | null } = {},
): Promise<{ created: number }> {
  const { rows } = await sql<{ created: number }>`
    select appstats_partitions_ensure(${monthsAhead}::int, ${since}::timestamptz) as created`.execute(db);
  return { created: rows[0]?.created ?? 0 };
}

/**
 * Detaches and drops the partitions of both event tables whose whole month is
 * older than `keepDays` days (a dry run only lists them). Rows that sit in
 * the default partition are first moved to partitions of their own months, so
 * they go with them. One transaction: all or nothing.
 */
export async function applyRetention(
  db: Kysely<DB>,
  { keepDays, dryRun, now = new Date() }: { keepDays: number; dryRun: boolean; now?: Date },
): Promise<RetentionResult> {
  const before = new Date(now.getTime() - keepDays * 86_400_000);
  return db.transaction().execute(async (trx) => {
    if (!dryRun) await ensurePartitions(trx);
    const { rows } = await sql<{
      tbl: DroppedPartition['table'];
      part: string;
      from_at: Date | null;
      to_at: Date;
      n_rows: string;
      n_bytes: string;
    }>`
      select * from appstats_retention_apply(${before}::timestamptz, ${dryRun})`.execute(trx);
    const partitions = rows.map((row) => ({
      table: row.tbl,
      partition: row.part,
      from: row.from_at?.toISOString() ?? null,
      to: row.to_at.toISOString(),
      rows: Number(row.n_rows),
      bytes: Number(row.n_bytes),
    }));
    return {
      dryRun,
      keepDays,
      before: before.toISOString(),
      partitions,
      rows: partitions.reduce((sum, p) => sum + p.rows, 0),
      bytes: partitions.reduce((sum, p) => sum + p.bytes, 0),
    };
  });
}

/** From when raw rows of each event table exist: null where retention never dropped any. */
export async function rawRowsSince(db: Kysely<DB>): Promise<{ viewEvents: Date | null; routeInvocations: Date | null }> {
  const { rows } = await sql<{ table_name: string; since: Date }>`select table_name, since from retention_raw_since`.execute(db);
  const since = (table: string) => rows.find((row) => row.table_name === table)?.since ?? null;
  return { viewEvents: since('view_events'), routeInvocations: since('route_invocations') };
}
