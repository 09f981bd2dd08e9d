import { z } from 'zod';
import { standingOn } from '../../access/permissions';
import { getViewSparklines, listReadableApps } from '../../queries/apps';
import { getDailyInvocations } from '../../queries/stats/read';
import { AppSummary } from '../../schemas/apps';
import { DailyInvocations, ViewsByDayEntry } from '../../schemas/stats';
import { appReadProcedure, authedProcedure, router } from '../init';

const Sparkline = z.object({ appId: z.string(), views7d: z.number().int(), viewsByDay: z.array(ViewsByDayEntry).length(7) });

export const appsRouter = router({
  /** The apps the caller can read, by name, with the caller's standing on each (as `get` gives it). */
  list: authedProcedure.output(z.array(AppSummary)).query(async ({ ctx }) => {
    const apps = await listReadableApps(ctx.db, ctx.principal);
    return apps.map((app) => {
      const standing = standingOn(app, ctx.principal, app.role === 'owner' ? null : app.role);
      return {
        id: app.id,
        naturalId: app.naturalId,
        name: app.name,
        visibility: app.visibility,
        role: standing.role,
        canWrite: standing.canWrite,
        hasWorkspace: app.workspaceSchema !== null,
      };
    });
  }),

  /** One app the caller can read (NOT_FOUND otherwise), with the caller's standing. */
  get: appReadProcedure.output(AppSummary).query(({ ctx }) => ({
    id: ctx.app.id,
    naturalId: ctx.app.naturalId,
    name: ctx.app.name,
    visibility: ctx.app.visibility,
    role: ctx.standing.role,
    canWrite: ctx.standing.canWrite,
    hasWorkspace: ctx.app.workspaceSchema !== null,
  })),

  /** Views per UTC day over the last 7 days for every app the caller can read (the sparklines of /apps). */
  sparklines: authedProcedure.output(z.array(Sparkline)).query(async ({ ctx }) => {
    const apps = await listReadableApps(ctx.db, ctx.principal);
    return getViewSparklines(
      ctx.db,
      apps.map((app) => app.id),
      ctx.now(),
    );
  }),

  /**
   * Invocations per UTC day over 30 days (the `daily` of GET /stats/api) for
   * readers too: the overview's chart shows aggregates only, like GET /stats,
   * never paths, users or errors.
   */
  invocationsByDay: appReadProcedure
    .output(z.array(DailyInvocations).length(30))
    .query(({ ctx }) => getDailyInvocations(ctx.db, ctx.app.id, ctx.now())),
});
