import { TRPCError } from '@trpc/server';
import { canManageApp } from '@/lib/app-roles';
import { changeMemberRole, listMembers, removeMember, renameApp, saveMember, setAppVisibility } from '../../queries/members';
import { AppSummary } from '../../schemas/apps';
import { MemberChange, MemberList, MemberRefInput, MemberRoleInput, RenameAppInput, VisibilityInput } from '../../schemas/settings';
import { appReadProcedure, router } from '../init';
import { ownerUntouchable, requireUser } from '../people';

/**
 * An app whose settings the caller may change: its admins and its owner
 * (platform admins count as owner). Readers and members get FORBIDDEN; anyone
 * who cannot read the app the NOT_FOUND of appReadProcedure. Mutations resolve
 * the app and the caller's role afresh (appReadProcedure), so a role taken
 * away a moment ago no longer counts.
 */
const manageProcedure = appReadProcedure.use(({ ctx, next }) => {
  if (!canManageApp(ctx.standing.role)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an admin or the owner of this app can change its settings; ask one of them' });
  }
  return next();
});

// No "last admin" rule: the owner always remains, with every right, and cannot be
// removed or demoted, so an app never ends up without someone who can manage it.

/** The app's settings page: the owner and every member with their roles. */
export const settingsRouter = router({
  /** The owner first, then the members by role and username. */
  members: manageProcedure.output(MemberList).query(async ({ ctx }) => {
    const members = await listMembers(ctx.db, ctx.app);
    return { members: members.map((m) => ({ ...m, addedAt: m.addedAt?.toISOString() ?? null })) };
  }),

  /** Adds a user by username with a role; unknown users are NOT_FOUND, members already there CONFLICT, the owner FORBIDDEN. */
  addMember: manageProcedure
    .input(MemberRoleInput)
    .output(MemberChange)
    .mutation(async ({ ctx, input }) => {
      const user = await requireUser(ctx.db, input.username);
      const saved = await saveMember(ctx.db, { app: ctx.app, userId: user.id, role: input.role, ifMember: 'refuse' });
      if (saved.outcome === 'owner') throw ownerUntouchable(user.username);
      if (saved.outcome === 'exists') {
        throw new TRPCError({
          code: 'CONFLICT',
          message: `${user.username} is already a member (${saved.role}); change their role in the list instead`,
        });
      }
      return { username: user.username, role: saved.role };
    }),

  /** Changes a member's role (never to or from owner); NOT_FOUND when the user is not a member. */
  changeRole: manageProcedure
    .input(MemberRoleInput)
    .output(MemberChange)
    .mutation(async ({ ctx, input }) => {
      const user = await requireUser(ctx.db, input.username);
      const outcome = await changeMemberRole(ctx.db, { app: ctx.app, userId: user.id, role: input.role });
      if (outcome === 'owner') throw ownerUntouchable(user.username);
      if (outcome === 'absent') throw new TRPCError({ code: 'NOT_FOUND', message: `${user.username} is not a member of this app` });
      return { username: user.username, role: input.role };
    }),

  /** Takes a member's access away (the owner's never); NOT_FOUND when the user is not a member. */
  removeMember: manageProcedure.input(MemberRefInput).mutation(async ({ ctx, input }) => {
    const user = await requireUser(ctx.db, input.username);
    const outcome = await removeMember(ctx.db, { app: ctx.app, userId: user.id });
    if (outcome === 'owner') throw ownerUntouchable(user.username);
    if (outcome === 'absent') throw new TRPCError({ code: 'NOT_FOUND', message: `${user.username} is not a member of this app` });
    return { username: user.username, removed: true as const };
  }),

  /** Renames the app; returns it as apps.get does. */
  rename: manageProcedure
    .input(RenameAppInput)
    .output(AppSummary)
    .mutation(async ({ ctx, input }) => {
      await renameApp(ctx.db, ctx.app.id, input.name);
      return summary({ ...ctx.app, name: input.name }, ctx.standing);
    }),

  /** Makes the app private or public; returns it as apps.get does. */
  setVisibility: manageProcedure
    .input(VisibilityInput)
    .output(AppSummary)
    .mutation(async ({ ctx, input }) => {
      await setAppVisibility(ctx.db, ctx.app.id, input.visibility);
      return summary({ ...ctx.app, visibility: input.visibility }, ctx.standing);
    }),
});

function summary(
  app: { id: string; naturalId: string; name: string; visibility: 'private' | 'public'; workspaceSchema: string | null },
  standing: { role: AppSummary['role']; canWrite: boolean },
): AppSummary {
  return {
    id: app.id,
    naturalId: app.naturalId,
    name: app.name,
    visibility: app.visibility,
    role: standing.role,
    canWrite: standing.canWrite,
    hasWorkspace: app.workspaceSchema !== null,
  };
}
