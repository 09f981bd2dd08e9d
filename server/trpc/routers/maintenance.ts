import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types';
import { findApp } from '../../queries/apps';
import { type RollupDifference, checkRollups, listRollupApps, rebuildRollups } from '../../queries/stats/maintain';
import { MONTHS_AHEAD, applyRetention, ensurePartitions, rawRowsSince } from '../../queries/stats/retention';
import { PartitionsInput, RetentionInput, StatsMaintenanceInput } from '../../schemas/maintenance';
import { router, systemProcedure } from '../init';

// At most this many differences are listed; `consistent` says whether there were any.
const LISTED_DIFFERENCES = 20;

async function resolveAppId(db: Kysely<DB>, ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  const app = await findApp(db, ref);
  if (!app) throw new TRPCError({ code: 'NOT_FOUND', message: `Unknown app: ${ref}` });
  return app.id;
}

/** Rollups keep the figures of rows retention dropped, so raw rows can no longer recompute or check them. */
async function refuseAfterRetention(db: Kysely<DB>): Promise<void> {
  const since = await rawRowsSince(db);
  const oldest = [since.viewEvents, since.routeInvocations].filter((at): at is Date => at !== null);
  if (oldest.length === 0) return;
  throw new TRPCError({
    code: 'PRECONDITION_FAILED',
    message: `Retention dropped the raw rows before ${oldest.map((at) => at.toISOString()).join(' and ')}: the rollups hold figures raw rows no longer have, so they cannot be rebuilt or checked from them`,
  });
}

async function checkApps(db: Kysely<DB>, appIds: string[]) {
  const differences: Array<RollupDifference & { appId: string }> = [];
  for (const appId of appIds) {
    for (const difference of await checkRollups(db, appId)) differences.push({ appId, ...difference });
  }
  return { apps: appIds.length, consistent: differences.length === 0, differences: differences.slice(0, LISTED_DIFFERENCES) };
}

/** Administration of the stats rollups (the CLI): only callable with a system context. */
export const maintenanceRouter = router({
  /** Recomputes the rollups of one app (or all) from raw rows, then compares every figure with raw SQL. */
  rebuildStats: systemProcedure.input(StatsMaintenanceInput).mutation(async ({ ctx, input }) => {
    const appId = await resolveAppId(ctx.db, input.app);
    await refuseAfterRetention(ctx.db);
    await rebuildRollups(ctx.db, appId);
    return checkApps(ctx.db, appId ? [appId] : await listRollupApps(ctx.db));
  }),

  /** Compares every rollup figure of one app (or all) with the same figure computed from raw rows. */
  checkStats: systemProcedure.input(StatsMaintenanceInput).query(async ({ ctx, input }) => {
    const appId = await resolveAppId(ctx.db, input.app);
    await refuseAfterRetention(ctx.db);
    return checkApps(ctx.db, appId ? [appId] : await listRollupApps(ctx.db));
  }),

  /** Drops the monthly partitions of raw events older than `keepDays` days (or lists them, dry run); the rollups keep their figures. */
  applyRetention: systemProcedure
    .input(RetentionInput)
    .mutation(({ ctx, input }) => applyRetention(ctx.db, { keepDays: input.keepDays, dryRun: input.dryRun ?? false })),

  /** Creates the monthly partitions ahead and moves rows out of the default partition into their months. */
  ensurePartitions: systemProcedure.input(PartitionsInput).mutation(({ ctx, input }) =>
    ensurePartitions(ctx.db, {
      monthsAhead: input.monthsAhead ?? MONTHS_AHEAD,
      since: input.since ? new Date(`${input.since}T00:00:00Z`) : null,
    }),
  ),
});
