import { z } from 'zod';
import { listReadableApps } from '../../queries/apps';
import { AppSummary } from '../../schemas/apps';
import { appReadProcedure, authedProcedure, router } from '../init';

export const appsRouter = router({
  /** The apps the caller can read, by name, with the caller's role on each. */
  list: authedProcedure.output(z.array(AppSummary)).query(async ({ ctx }) => {
    const apps = await listReadableApps(ctx.db, ctx.principal);
    return apps.map((app) => ({
      id: app.id,
      naturalId: app.naturalId,
      name: app.name,
      visibility: app.visibility,
      role: app.role,
      canWrite: app.role !== null && app.role !== 'viewer',
      hasWorkspace: app.workspaceSchema !== null,
    }));
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
});
