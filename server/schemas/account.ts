import { z } from 'zod';

const Instant = z.string().describe('ISO 8601 UTC');

export const TokenStateSchema = z.enum(['active', 'expired', 'revoked']);

/** One API token as its owner sees it on /account: never the token nor its hash. */
export const TokenSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  createdAt: Instant,
  expiresAt: Instant.nullable(),
  revokedAt: Instant.nullable(),
  lastUsedAt: Instant.nullable(),
  state: TokenStateSchema,
});
export type TokenSummary = z.infer<typeof TokenSummary>;

export const CreateOwnTokenInput = z.strictObject({
  name: z.string().trim().min(1, 'Give the token a name').max(200, 'Keep the name to 200 characters'),
  expiresInDays: z
    .number()
    .int('Expires in days must be a whole number')
    .min(1, 'Expires in days must be at least 1')
    .max(3650, 'Expires in days must be at most 3650')
    .optional(),
});

export const CreatedToken = z.object({ id: z.string(), name: z.string(), token: z.string(), expiresAt: Instant.nullable() });

export const RevokeOwnTokenInput = z.strictObject({ id: z.uuid('must be a token id') });

export const ChangePasswordInput = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password').max(1024),
  newPassword: z.string().min(8, 'The new password needs at least 8 characters').max(1024, 'Keep the new password to 1024 characters'),
});

export const SessionsEnded = z.object({ endedSessions: z.number().int() });
