import { type ActivityRange } from '../../queries/activity/filters';
import { listErrorGroups } from '../../queries/activity/errors';
import { invocationLogPages, readInvocationLog } from '../../queries/activity/log';
import { rawRowsSince } from '../../queries/stats/retention';
import { getRouteRange, listRoutes } from '../../queries/stats/routes';
import {
  ErrorGroup,
  ErrorGroups,
  ErrorGroupsInput,
  InvocationLog,
  InvocationLogInput,
  InvocationLogItem,
  RawRowsSince,
} from '../../schemas/activity';
import { RouteFigures, RouteList, RouteListInput, RouteRange, RouteRangeInput } from '../../schemas/routes';
import { FileOutput, csvFile, csvFileStream, rangeFileName } from '../file';
import { appWriteProcedure, router } from '../init';
import { decodeLogCursor, encodeLogCursor, logCursorScope } from '../log-cursor';
import { rangeError, rangeOf } from '../range';

/** What happened in an app, route by route and row by row (CONTRACT §8): routes, the invocation log and the error groups; all need write. */
export const activityRouter = router({
  /**
   * GET /stats/invocations: one page of the log, newest first, filtered by the
   * range, status class, method, route and user; `nextCursor` continues it
   * under the same filters (keyset, signed).
   */
  invocations: appWriteProcedure
    .input(InvocationLogInput)
    .output(InvocationLog)
    .query(async ({ ctx, input }) => {
      const scope = logCursorScope(ctx.app.id, input);
      const state = input.cursor ? decodeLogCursor(input.cursor, scope) : undefined;
      const resolved = state ? { tz: scope.filters[0] ?? 'UTC', ...state.range } : rangeOf(input, ctx.now(), false);
      const range: ActivityRange = { tz: resolved.tz, from: resolved.from, to: resolved.to };
      const { status, method, route, user } = input;
      try {
        const page = await readInvocationLog(ctx.db, ctx.app.id, {
          range,
          filters: { status, method, route, user },
          ...(state ? { after: state.position } : {}),
          limit: input.limit,
        });
        const nextCursor = page.next ? encodeLogCursor(scope, { range, position: page.next }) : null;
        return { items: page.items, nextCursor };
      } catch (error) {
        throw rangeError(error);
      }
    }),

  /** GET /stats/errors: the range's failed invocations grouped by method, route and message, the largest groups first. */
  errors: appWriteProcedure
    .input(ErrorGroupsInput)
    .output(ErrorGroups)
    .query(async ({ ctx, input }) => {
      const { tz, from, to } = rangeOf(input, ctx.now(), false);
      try {
        const groups = await listErrorGroups(ctx.db, ctx.app.id, {
          range: { tz, from, to },
          method: input.method,
          route: input.route,
          limit: input.limit,
        });
        return { groups };
      } catch (error) {
        throw rangeError(error);
      }
    }),

  /** GET /stats/routes: the range's invocations by method and route, from the per-route rollups, sorted as `sort` says. */
  routes: appWriteProcedure
    .input(RouteListInput)
    .output(RouteList)
    .query(async ({ ctx, input }) => {
      try {
        return {
          routes: await listRoutes(ctx.db, ctx.app.id, { range: rangeOf(input, ctx.now(), false), sort: input.sort, limit: input.limit }),
        };
      } catch (error) {
        throw rangeError(error);
      }
    }),

  /** GET /stats/routes?format=csv: the routes as `routes` answers them. */
  routesCsv: appWriteProcedure
    .input(RouteListInput)
    .output(FileOutput)
    .query(async ({ ctx, input }) => {
      const range = rangeOf(input, ctx.now(), false);
      try {
        const routes = await listRoutes(ctx.db, ctx.app.id, { range, sort: input.sort, limit: input.limit });
        return csvFile(rangeFileName(ctx.app.naturalId, 'routes', range), routes, Object.keys(RouteFigures.shape));
      } catch (error) {
        throw rangeError(error);
      }
    }),

  /** From when the log, the error groups and their samples have raw rows to read: retention drops whole months (the rollups keep their figures). */
  rawSince: appWriteProcedure.output(RawRowsSince).query(async ({ ctx }) => {
    const since = await rawRowsSince(ctx.db);
    return { invocationsSince: since.routeInvocations?.toISOString() ?? null };
  }),

  /** One route (its page): totals, the previous period and the series by hour or day over the range. */
  route: appWriteProcedure
    .input(RouteRangeInput)
    .output(RouteRange)
    .query(async ({ ctx, input }) => {
      try {
        return await getRouteRange(ctx.db, ctx.app.id, { range: rangeOf(input, ctx.now()), method: input.method, route: input.route });
      } catch (error) {
        throw rangeError(error);
      }
    }),

  /** GET /stats/invocations?format=csv: every matching invocation of the range, newest first, streamed by keyset pages (no limit). */
  invocationsCsv: appWriteProcedure
    .input(InvocationLogInput)
    .output(FileOutput)
    .query(({ ctx, input }) => {
      const { tz, from, to } = rangeOf(input, ctx.now(), false);
      const { status, method, route, user } = input;
      const pages = invocationLogPages(ctx.db, ctx.app.id, { range: { tz, from, to }, filters: { status, method, route, user } });
      return csvFileStream(rangeFileName(ctx.app.naturalId, 'invocations', { tz, from, to }), Object.keys(InvocationLogItem.shape), pages);
    }),

  /** GET /stats/errors?format=csv: the error groups as errors answers them, without the sample. */
  errorsCsv: appWriteProcedure
    .input(ErrorGroupsInput)
    .output(FileOutput)
    .query(async ({ ctx, input }) => {
      const { tz, from, to } = rangeOf(input, ctx.now(), false);
      try {
        const groups = await listErrorGroups(ctx.db, ctx.app.id, {
          range: { tz, from, to },
          method: input.method,
          route: input.route,
          limit: input.limit,
        });
        const columns = Object.keys(ErrorGroup.shape).filter((key) => key !== 'sample');
        return csvFile(
          rangeFileName(ctx.app.naturalId, 'errors', { tz, from, to }),
          groups.map(({ sample: _sample, ...group }) => group),
          columns,
        );
      } catch (error) {
        throw rangeError(error);
      }
    }),
});
