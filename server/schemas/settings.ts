import { z } from 'zod';
import { RoleSchema, UsernameSchema, VisibilitySchema } from './admin';
import { AppRoleSchema } from './apps';

/** One person with access to an app: the owner first, then its members. */
export const MemberSummary = z.object({
  userId: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  role: AppRoleSchema,
  addedAt: z.string().nullable().describe('ISO 8601 UTC; null for the owner'),
});
export type MemberSummary = z.infer<typeof MemberSummary>;

export const MemberList = z.object({ members: z.array(MemberSummary) });

// The inputs below are merged with the procedures' `{ appId }` (AppRefSchema), so
// they are plain objects: a strict one would refuse the `appId` beside it.

/** A member and a role this page can give: never `owner` (CONTRACT §9). */
export const MemberRoleInput = z.object({ username: UsernameSchema, role: RoleSchema });

export const MemberRefInput = z.object({ username: UsernameSchema });

export const RenameAppInput = z.object({
  name: z.string().trim().min(1, 'The name must not be empty').max(200, 'Keep the name to 200 characters'),
});

export const VisibilityInput = z.object({ visibility: VisibilitySchema });

export const MemberChange = z.object({ username: z.string(), role: RoleSchema });
