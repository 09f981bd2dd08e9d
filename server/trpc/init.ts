import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { type AppAccess, resolveReadableApp } from '../access/resolve-app';
import type { Principal } from '../auth/principal';
import { CROSS_SITE_MESSAGE, refusesCrossSiteMutation } from '../auth/csrf';
import { type Budget, TooManyRequestsError, consumeSessionBudget, consumeTokenBudget } from '../auth/rate-limit';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { Context } from './context';
import { databaseUnavailable } from './outage';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Unexpected failures never leak their message (SQL, paths, other tenants' data).
    if (error.code === 'INTERNAL_SERVER_ERROR')
      return { ...shape, message: 'Internal server error', data: { ...shape.data, stack: undefined } };
    return { ...shape, data: { ...shape.data, stack: undefined } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// CSRF (issue 7): a mutation a browser sent from another site is refused unless bearer-authenticated.
const sameSiteMutations = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && refusesCrossSiteMutation(ctx.request, ctx.auth.principal)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: CROSS_SITE_MESSAGE });
  }
  return next();
});

/** Any caller; cross-site mutations are refused, database outages surface as SERVICE_UNAVAILABLE instead of a 500. */
export const publicProcedure = t.procedure.use(sameSiteMutations).use(async ({ next }) => {
  const result = await next();
  if (!result.ok && !(result.error.cause instanceof TRPCError) && isDatabaseUnavailable(result.error.cause)) {
    throw databaseUnavailable(result.error.cause);
  }
  return result;
});

/** Administration from the CLI: needs a system context, which no HTTP request ever gets. */
export const systemProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.system) throw new TRPCError({ code: 'FORBIDDEN', message: 'Administration is only available from the CLI' });
  return next();
});

// The per-call budget (CONTRACT §10, issue 11): every call a client sent over HTTP
// spends one unit, per API token or per session; each call of a tRPC batch and each
// REST request alike. Server-side renders and the CLI are not metered.
async function spendBudget(ctx: Context): Promise<Budget | null> {
  const principal = ctx.auth.principal;
  if (!ctx.metered || !principal) return null;
  if (principal.tokenId) return consumeTokenBudget(ctx.db, principal.tokenId, ctx.now());
  if (principal.sessionId) return consumeSessionBudget(ctx.db, principal.sessionId, ctx.now());
  return null;
}

const callBudget = t.middleware(async ({ ctx, next }) => {
  const budget = await spendBudget(ctx);
  if (budget && !budget.allowed) {
    const per = ctx.auth.principal?.via === 'token' ? 'token' : 'session';
    throw new TooManyRequestsError(`Too many requests for this ${per}; slow down`, budget.retryAfterSeconds);
  }
  return next();
});

/** A signed-in user or a valid API token (anything else is UNAUTHORIZED), within its per-call budget (else TOO_MANY_REQUESTS). */
export const authedProcedure = publicProcedure
  .use(({ ctx, next }) => {
    if (!ctx.auth.principal) {
      const message = ctx.auth.reason === 'missing' ? 'Authentication required' : 'Invalid or expired credentials';
      throw new TRPCError({ code: 'UNAUTHORIZED', message });
    }
    return next({ ctx: { ...ctx, principal: ctx.auth.principal } });
  })
  .use(callBudget);

/** An app addressed by UUID or natural id. */
export const AppRefSchema = z.object({ appId: z.string().min(1).max(200) });

/**
 * The caller's access to an app, resolved once per request for every query of
 * it (mutations resolve afresh: one may have changed the answer).
 */
function sharedResolution(ctx: Context & { principal: Principal }, appId: string): Promise<AppAccess> {
  const known = ctx.apps?.get(appId);
  if (known) return known;
  const resolving = resolveReadableApp(ctx.db, appId, ctx.principal);
  ctx.apps?.set(appId, resolving);
  resolving.catch(() => ctx.apps?.delete(appId));
  return resolving;
}

/**
 * Resolves `input.appId` to an app the caller can read. An app that does not
 * exist and one the caller cannot read give the very same NOT_FOUND.
 */
export const appReadProcedure = authedProcedure.input(AppRefSchema).use(async ({ ctx, input, type, next }) => {
  const access = await (type === 'query' ? sharedResolution(ctx, input.appId) : resolveReadableApp(ctx.db, input.appId, ctx.principal));
  if (!access) throw new TRPCError({ code: 'NOT_FOUND', message: 'App not found' });
  return next({ ctx: { ...ctx, app: access.app, standing: access.standing } });
});

/** An app the caller can write to (member, admin, owner, platform admin); readers get FORBIDDEN. */
export const appWriteProcedure = appReadProcedure.use(({ ctx, next }) => {
  if (!ctx.standing.canWrite) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs member access to the app; ask an admin of the app' });
  }
  return next();
});
