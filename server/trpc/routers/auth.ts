import { TRPCError } from '@trpc/server';
import { sessionCookie } from '../../auth/cookies';
import { burnPasswordCheck, verifyPassword } from '../../auth/passwords';
import { SESSION_ABSOLUTE_MS, closeSession, openSession } from '../../auth/sessions';
import { admitSignIn } from '../../auth/sign-in-throttle';
import { findUserForSignIn } from '../../queries/users';
import { MeOutput, SignInInput } from '../../schemas/auth';
import { authedProcedure, publicProcedure, router } from '../init';

const BAD_CREDENTIALS = 'Wrong username or password';

export const authRouter = router({
  /**
   * Checks a password and opens a new session (fresh id every time), set as an
   * HttpOnly cookie. Attempts are throttled per account (growing delays,
   * whatever the address) and per address before the password is looked at,
   * and password hashing is bounded in concurrency (TOO_MANY_REQUESTS with
   * retry seconds; see admitSignIn); an unknown username costs the same
   * hashing time as a known one.
   */
  signIn: publicProcedure
    .input(SignInInput)
    .output(MeOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const attempt = await admitSignIn(ctx.db, input.username, ctx.request?.clientAddress ?? null, now);
      const user = await findUserForSignIn(ctx.db, input.username);
      if (!user) {
        await burnPasswordCheck(input.password);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS });
      }
      if (!(await verifyPassword(input.password, user.passwordHash))) {
        throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS });
      }
      await attempt.succeeded();
      // The session this browser held before (if any) ends rather than living on beside the new one.
      const previous = ctx.auth.principal;
      if (previous?.via === 'session' && previous.sessionId) await closeSession(ctx.db, previous.sessionId);
      const sessionId = await openSession(ctx.db, user.id, now);
      ctx.setCookie(sessionCookie(sessionId, Math.floor(SESSION_ABSOLUTE_MS / 1000)));
      return { id: user.id, username: user.username, name: user.name, isAdmin: user.isAdmin };
    }),

  /** Ends the current session server-side and clears the cookie. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const principal = ctx.auth.principal;
    if (principal?.via === 'session' && principal.sessionId) await closeSession(ctx.db, principal.sessionId);
    ctx.setCookie(sessionCookie('', 0));
    return { signedOut: true as const };
  }),

  /** The signed-in user. */
  me: authedProcedure.output(MeOutput).query(({ ctx }) => {
    const { id, username, name, isAdmin } = ctx.principal;
    return { id, username, name, isAdmin };
  }),
});
