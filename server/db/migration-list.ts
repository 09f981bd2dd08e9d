import type { Migration } from 'kysely';
import * as core from './migrations/20260101000000_core';
import * as rollups from './migrations/20260102000000_rollups';
import * as rateLimits from './migrations/20260103000000_rate_limits';
import * as idempotency from './migrations/20260104000000_idempotency';
import * as workspaceRoles from './migrations/20260105000000_workspace_roles';
import * as workspaceLogin from './migrations/20260106000000_workspace_login';
import * as functionRights from './migrations/20260107000000_function_rights';
import * as rollupFunctionsSql from './migrations/20260108000000_rollup_functions_sql';
import * as rollupHoursHistograms from './migrations/20260109000000_rollup_hours_histograms';
import * as liveNotify from './migrations/20260110000000_live_notify';
import * as invocationLog from './migrations/20260111000000_invocation_log';
import * as routeRollups from './migrations/20260112000000_route_rollups';
import * as partitions from './migrations/20260113000000_partitions';
import * as flushLockedRows from './migrations/20260114000000_flush_locked_rows';

/**
 * Every migration, by name. Listed statically (not read from the folder) so
 * the same list loads under tsx, Vitest and Next alike; a test checks that
 * every file in this folder is listed.
 */
export const migrations: Record<string, Migration> = {
  '20260101000000_core': core,
  '20260102000000_rollups': rollups,
  '20260103000000_rate_limits': rateLimits,
  '20260104000000_idempotency': idempotency,
  '20260105000000_workspace_roles': workspaceRoles,
  '20260106000000_workspace_login': workspaceLogin,
  '20260107000000_function_rights': functionRights,
  '20260108000000_rollup_functions_sql': rollupFunctionsSql,
  '20260109000000_rollup_hours_histograms': rollupHoursHistograms,
  '20260110000000_live_notify': liveNotify,
  '20260111000000_invocation_log': invocationLog,
  '20260112000000_route_rollups': routeRollups,
  '20260113000000_partitions': partitions,
  '20260114000000_flush_locked_rows': flushLockedRows,
};
