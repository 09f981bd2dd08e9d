import { env } from '../../env';
import { resolveReadableApp } from '../../access/resolve-app';
import type { Principal } from '../../auth/principal';
import { SESSION_IDLE_MS, hashSessionId } from '../../auth/sessions';
import { liveStats } from '../../live/stream';
import { type LiveCredential, isCredentialLive } from '../../queries/live';
import { LiveStatsEvent } from '../../schemas/live';
import { appReadProcedure, router } from '../init';

/** The credential a principal was found by, as the recheck asks about it; null when it has none to ask about. */
function credentialOf(principal: Principal, now: Date): LiveCredential | null {
  if (principal.via === 'token') return principal.tokenId ? { kind: 'token', tokenId: principal.tokenId } : null;
  if (!principal.sessionId) return null;
  return { kind: 'session', idHash: hashSessionId(principal.sessionId), idleSince: new Date(now.getTime() - SESSION_IDLE_MS) };
}

export const liveRouter = router({
  /**
   * The app's `{totalViews, totalInvocations}` at once and after each commit
   * that changes them (CONTRACT §8 "Live"), at most one every 500 ms. Access
   * is checked as for GET /stats (NOT_FOUND for an app the caller cannot
   * read), and again every LIVE_RECHECK_MS: a revoked token, an ended session
   * or a lost membership ends the stream. Served as SSE by
   * /api/apps/{id}/stats/live and by tRPC's own subscription transport.
   */
  stats: appReadProcedure.subscription(async function* ({ ctx, signal }) {
    const appId = ctx.app.id;
    const recheck = async () => {
      const now = ctx.now();
      const credential = credentialOf(ctx.principal, now);
      if (!credential || !(await isCredentialLive(ctx.db, credential, now))) return false;
      return (await resolveReadableApp(ctx.db, appId, ctx.principal)) !== null;
    };
    const recheckMs = env().LIVE_RECHECK_MS;
    for await (const totals of liveStats({ db: ctx.db, appId, recheck, recheckMs, ...(signal ? { signal } : {}) })) {
      yield LiveStatsEvent.parse(totals);
    }
  }),
});
