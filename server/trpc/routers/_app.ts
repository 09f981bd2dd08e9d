import { createCallerFactory, router } from '../init';
import { accountRouter } from './account';
import { activityRouter } from './activity';
import { adminRouter } from './admin';
import { appsRouter } from './apps';
import { authRouter } from './auth';
import { exportRouter } from './export';
import { ingestRouter } from './ingest';
import { liveRouter } from './live';
import { insightsRouter } from './insights';
import { maintenanceRouter } from './maintenance';
import { settingsRouter } from './settings';
import { statsRouter } from './stats';
import { workspaceRouter } from './workspace';

export const appRouter = router({
  admin: adminRouter,
  auth: authRouter,
  apps: appsRouter,
  stats: statsRouter,
  export: exportRouter,
  live: liveRouter,
  insights: insightsRouter,
  activity: activityRouter,
  ingest: ingestRouter,
  maintenance: maintenanceRouter,
  account: accountRouter,
  settings: settingsRouter,
  workspace: workspaceRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: REST routes, server components, the CLI and tests go through this. */
export const createCaller = createCallerFactory(appRouter);
