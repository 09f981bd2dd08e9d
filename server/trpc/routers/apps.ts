import { z } from 'zod';
import { standingOn } from '../../access/permissions';
import type { Principal } from '../../auth/principal';
import { type ReadableAppRow, getViewSparklines, listReadableApps } from '../../queries/apps';
import type { Context } from '../context';
import { getDailyInvocations } from '../../queries/stats/read';
import { AppSummary } from '../../schemas/apps';
import { DailyInvocations, ViewsByDayEntry } from '../../schemas/stats';
import { appReadProcedure, authedProcedure, router } from '../init';

// The apps page lists the readable apps three times in one render (the frame's
// switcher, the cards, the sparklines): one statement serves them all.
const listedPerRequest = new WeakMap<object, Promise<ReadableAppRow[]>>();

function readableAppsOf(ctx: Context & { principal: Principal }): Promise<ReadableAppRow[]> {
  const request = ctx.apps;
  const known = request && listedPerRequest.get(request);
  if (known) return known;
  const listing = listReadableApps(ctx.db, ctx.principal);
  if (request) listedPerRequest.set(request, listing);
  return listing;
}

const Sparkline = z.object({ appId: z.string(), views7d: z.number().int(), viewsByDay: z.array(ViewsByDayEntry).length(7) });

export const appsRouter = router({
  /** The apps the caller can read, by name, with the caller's standing on each (as `get` gives it). */
  list: authedProcedure.output(z.array(AppSummary)).query(async ({ ctx }) => {
    const apps = await readableAppsOf(ctx);
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
    const apps = await readableAppsOf(ctx);
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
