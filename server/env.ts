import { z } from 'zod';

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** The validated environment, read once. A bad value throws a one-line error naming the variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse({
    DATABASE_URL: process.env.DATABASE_URL || undefined,
    PORT: process.env.PORT || undefined,
    AUTH_SECRET: process.env.AUTH_SECRET || undefined,
    NODE_ENV: process.env.NODE_ENV || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  cached = parsed.data;
  return cached;
}
