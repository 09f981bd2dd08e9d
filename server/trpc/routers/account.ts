import { TRPCError } from '@trpc/server';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { hashSessionId } from '../../auth/sessions';
import { admitSignIn } from '../../auth/sign-in-throttle';
import { endOtherSessions, findPasswordHash, replacePassword } from '../../queries/account';
import { issueApiToken, listUserTokens, revokeToken } from '../../queries/tokens';
import {
  ChangePasswordInput,
  CreateOwnTokenInput,
  CreatedToken,
  RevokeOwnTokenInput,
  SessionsEnded,
  TokenSummary,
} from '../../schemas/account';
import { authedProcedure, router } from '../init';

const iso = (value: Date | null) => value?.toISOString() ?? null;

/**
 * The signed-in user in a browser session. An API token is refused
 * (FORBIDDEN): a token must not mint more tokens that outlive its own
 * revocation, nor end the sessions of the person it belongs to.
 */
const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  const { principal } = ctx;
  if (principal.via !== 'session' || !principal.sessionId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Your account is managed when signed in in a browser, not with an API token' });
  }
  return next({ ctx: { ...ctx, sessionIdHash: hashSessionId(principal.sessionId) } });
});

/** /account: the caller's own API tokens, password and sessions. */
export const accountRouter = router({
  /** Every API token of the caller (the CLI's too), newest first, with its last use and state. */
  tokens: sessionProcedure.output(TokenSummary.array()).query(async ({ ctx }) => {
    const tokens = await listUserTokens(ctx.db, ctx.principal.id, ctx.now());
    return tokens.map((t) => ({
      ...t,
      createdAt: t.createdAt.toISOString(),
      expiresAt: iso(t.expiresAt),
      revokedAt: iso(t.revokedAt),
      lastUsedAt: iso(t.lastUsedAt),
    }));
  }),

  /** Issues a token for the caller; the token is in this answer only, the database keeps its hash. */
  createToken: sessionProcedure
    .input(CreateOwnTokenInput)
    .output(CreatedToken)
    .mutation(async ({ ctx, input }) => {
      const created = await issueApiToken(ctx.db, {
        userId: ctx.principal.id,
        name: input.name,
        expiresInDays: input.expiresInDays,
        now: ctx.now(),
      });
      return { id: created.id, name: input.name, token: created.token, expiresAt: iso(created.expiresAt) };
    }),

  /** Revokes one of the caller's own tokens, at once; anyone else's id is NOT_FOUND, as an unknown one. Revoking twice is fine. */
  revokeToken: sessionProcedure.input(RevokeOwnTokenInput).mutation(async ({ ctx, input }) => {
    const revoked = await revokeToken(ctx.db, { id: input.id, userId: ctx.principal.id, now: ctx.now() });
    if (!revoked) throw new TRPCError({ code: 'NOT_FOUND', message: 'Unknown token' });
    return { id: revoked.id, revokedAt: revoked.revokedAt.toISOString() };
  }),

  /**
   * Checks the current password (throttled like a sign-in: guessing it here
   * is guessing it there), stores the new one and ends every other session of
   * the caller; this one stays. A wrong current password is BAD_REQUEST.
   */
  changePassword: sessionProcedure
    .input(ChangePasswordInput)
    .output(SessionsEnded)
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const attempt = await admitSignIn(ctx.db, principal.username, ctx.request?.clientAddress ?? null, ctx.now());
      const currentHash = await findPasswordHash(ctx.db, principal.id);
      if (!currentHash || !(await verifyPassword(input.currentPassword, currentHash))) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'The current password is wrong' });
      }
      await attempt.succeeded();
      if (input.newPassword === input.currentPassword) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'The new password must differ from the current one' });
      }
      const passwordHash = await hashPassword(input.newPassword);
      const ended = await replacePassword(ctx.db, { userId: principal.id, currentHash, passwordHash, keepIdHash: ctx.sessionIdHash });
      if (ended === null) throw new TRPCError({ code: 'CONFLICT', message: 'Your password was changed meanwhile; try again' });
      return { endedSessions: ended };
    }),

  /** Ends every other session of the caller (other browsers, other devices); this one stays. */
  signOutEverywhere: sessionProcedure.output(SessionsEnded).mutation(async ({ ctx }) => ({
    endedSessions: await endOtherSessions(ctx.db, ctx.principal.id, ctx.sessionIdHash),
  })),
});
