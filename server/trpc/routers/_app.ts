import { createCallerFactory, router } from '../init';
import { accountRouter } from './account';
import { adminRouter } from './admin';
import { appsRouter } from './apps';
import { authRouter } from './auth';
import { ingestRouter } from './ingest';
import { maintenanceRouter } from './maintenance';
import { settingsRouter } from './settings';
import { statsRouter } from './stats';

export const appRouter = router({
  admin: adminRouter,
  auth: authRouter,
  apps: appsRouter,
  stats: statsRouter,
  ingest: ingestRouter,
  maintenance: maintenanceRouter,
  account: accountRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: REST routes, server components, the CLI and tests go through this. */
export const createCaller = createCallerFactory(appRouter);
