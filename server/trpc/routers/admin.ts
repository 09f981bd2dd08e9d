import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { hashPassword } from '../../auth/passwords';
import { findApp, insertApp } from '../../queries/apps';
import { saveMember } from '../../queries/members';
import { issueApiToken, revokeToken } from '../../queries/tokens';
import { insertUser } from '../../queries/users';
import { createWorkspaceSchema, workspaceSchemaFor } from '../../queries/workspace/provision';
import { AddMemberInput, CreateAppInput, CreateTokenInput, CreateUserInput, RevokeTokenInput } from '../../schemas/admin';
import { router, systemProcedure } from '../init';
import { ownerUntouchable, requireUser } from '../people';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

/** Platform administration (the CLI): only callable with a system context, never over HTTP. */
export const adminRouter = router({
  /** Creates a user with a scrypt-hashed password; returns its id and username. */
  createUser: systemProcedure.input(CreateUserInput).mutation(async ({ ctx, input }) => {
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await insertUser(ctx.db, { username: input.username, name: input.name ?? null, passwordHash, isAdmin: input.admin });
      return { id: user.id, username: user.username };
    } catch (error) {
      if (isUniqueViolation(error)) throw new TRPCError({ code: 'CONFLICT', message: `Username already taken: ${input.username}` });
      throw error;
    }
  }),

  /** Creates an API token for a user; the token is returned once, only its hash is kept. */
  createToken: systemProcedure.input(CreateTokenInput).mutation(async ({ ctx, input }) => {
    const user = await requireUser(ctx.db, input.username);
    const created = await issueApiToken(ctx.db, {
      userId: user.id,
      name: input.name ?? null,
      expiresInDays: input.expiresInDays,
      now: ctx.now(),
    });
    return { id: created.id, token: created.token };
  }),

  /** Revokes a token by id; revoking twice is fine. */
  revokeToken: systemProcedure.input(RevokeTokenInput).mutation(async ({ ctx, input }) => {
    const row = await revokeToken(ctx.db, { id: input.id, now: ctx.now() });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Unknown token: ${input.id}` });
    return { id: row.id, revoked: true as const };
  }),

  /** Creates an app, with its own workspace schema when asked, in one transaction. */
  createApp: systemProcedure.input(CreateAppInput).mutation(async ({ ctx, input }) => {
    const owner = await requireUser(ctx.db, input.owner);
    const id = randomUUID();
    const workspaceSchema = input.workspace ? workspaceSchemaFor(id) : null;
    try {
      const app = await ctx.db.transaction().execute(async (trx) => {
        const created = await insertApp(trx, {
          id,
          naturalId: input.naturalId,
          name: input.name,
          ownerId: owner.id,
          visibility: input.visibility,
          quotaBytes: input.quotaBytes,
          workspaceSchema,
        });
        if (workspaceSchema) await createWorkspaceSchema(trx, workspaceSchema);
        return created;
      });
      return { id: app.id, naturalId: app.naturalId, workspaceSchema: app.workspaceSchema };
    } catch (error) {
      if (isUniqueViolation(error)) throw new TRPCError({ code: 'CONFLICT', message: `Natural id already taken: ${input.naturalId}` });
      throw error;
    }
  }),

  /** Gives a user a role on an app, or changes the role they hold; the owner is refused as on the settings page. */
  addMember: systemProcedure.input(AddMemberInput).mutation(async ({ ctx, input }) => {
    const app = await findApp(ctx.db, input.app);
    if (!app) throw new TRPCError({ code: 'NOT_FOUND', message: `Unknown app: ${input.app}` });
    const user = await requireUser(ctx.db, input.username);
    const saved = await saveMember(ctx.db, { app, userId: user.id, role: input.role, ifMember: 'replace' });
    if (saved.outcome === 'owner') throw ownerUntouchable(user.username);
    return { appId: app.id, username: user.username, role: input.role };
  }),
});
