import { z } from 'zod';

export const SignInInput = z.strictObject({
  username: z.string().min(1, 'Enter your username').max(64),
  password: z.string().min(1, 'Enter your password').max(1024),
});

export const MeOutput = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  isAdmin: z.boolean(),
});
