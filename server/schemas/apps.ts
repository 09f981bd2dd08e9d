import { z } from 'zod';

export const AppRoleSchema = z.enum(['owner', 'admin', 'member', 'viewer']);

export const AppSummary = z.object({
  id: z.string(),
  naturalId: z.string(),
  name: z.string(),
  visibility: z.enum(['private', 'public']),
  role: AppRoleSchema.nullable(),
  canWrite: z.boolean(),
  hasWorkspace: z.boolean(),
});
export type AppSummary = z.infer<typeof AppSummary>;
