import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, dots, dashes or underscores');

export const NaturalIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a slug: lowercase letters, digits and dashes, 1–63 characters')
  .refine((value) => !UUID.test(value), 'must not look like a UUID');

export const RoleSchema = z.enum(['viewer', 'member', 'admin']);
export const VisibilitySchema = z.enum(['private', 'public']);

export const CreateUserInput = z.strictObject({
  username: UsernameSchema,
  password: z.string().min(1, 'must not be empty').max(1024),
  name: z.string().min(1).max(200).optional(),
  admin: z.boolean().default(false),
});

export const CreateTokenInput = z.strictObject({
  username: UsernameSchema,
  name: z.string().min(1).max(200).optional(),
  expiresInDays: z.number().min(0).max(36500).optional(),
});

export const RevokeTokenInput = z.strictObject({ id: z.string().regex(UUID, 'must be a token id (UUID)') });

export const CreateAppInput = z.strictObject({
  naturalId: NaturalIdSchema,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  owner: UsernameSchema,
  workspace: z.boolean().default(false),
  quotaBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(1073741824),
  visibility: VisibilitySchema.default('private'),
});

export const AddMemberInput = z.strictObject({
  app: z.string().min(1).max(200),
  username: UsernameSchema,
  role: RoleSchema,
});
