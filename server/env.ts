import { z } from 'zod';

// Every environment variable the server reads, parsed here and nowhere else
// (README "Configuration"). An empty value counts as unset.

const HOPS = 'must be true, false or a number of proxy hops (0-10)';
const PER_MINUTE = 'must be a whole number of requests per minute (0 = off)';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const perMinute = z.string().regex(/^\d+$/, PER_MINUTE).transform(Number);

const EnvSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    // Reverse proxies in front of the server that append to X-Forwarded-For: unset or `false` → 0, `true` → 1.
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d+)$/, HOPS)
      .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value)))
      .pipe(z.number().max(10, HOPS))
      .default(0),
    TOKEN_RATE_LIMIT: perMinute.default(6000),
    // Unset: the token limit (filled in below).
    SESSION_RATE_LIMIT: perMinute.optional(),
    // Unset: `info`, or `silent` under NODE_ENV=test (filled in below).
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
    // Any path; relative to the working directory. Unset: `.data/` there (server/data-dir.ts).
    APPSTATS_DATA_DIR: z.string().optional(),
    // The live stream (server/live/): milliseconds between heartbeat comments (15–30 s in production) and between access rechecks.
    LIVE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(30_000).default(20_000),
    LIVE_RECHECK_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
    // Internal: scripts/run.ts sets 1 for next when the database is the embedded one.
    APPSTATS_EMBEDDED: z
      .enum(['0', '1'], { error: 'must be 1 or 0 (set by scripts/run.ts)' })
      .transform((value) => value === '1')
      .default(false),
  })
  .transform((parsed) => ({
    ...parsed,
    SESSION_RATE_LIMIT: parsed.SESSION_RATE_LIMIT ?? parsed.TOKEN_RATE_LIMIT,
    LOG_LEVEL: parsed.LOG_LEVEL ?? (parsed.NODE_ENV === 'test' ? 'silent' : 'info'),
  }));

export type Env = z.infer<typeof EnvSchema>;

// The raw values, each read by its literal name (so a bundler that inlines NODE_ENV still sees it).
function raw(): Record<keyof z.input<typeof EnvSchema>, string | undefined> {
  return {
    DATABASE_URL: process.env.DATABASE_URL || undefined,
    PORT: process.env.PORT || undefined,
    AUTH_SECRET: process.env.AUTH_SECRET || undefined,
    NODE_ENV: process.env.NODE_ENV || undefined,
    TRUST_PROXY: process.env.TRUST_PROXY || undefined,
    TOKEN_RATE_LIMIT: process.env.TOKEN_RATE_LIMIT || undefined,
    SESSION_RATE_LIMIT: process.env.SESSION_RATE_LIMIT || undefined,
    LOG_LEVEL: process.env.LOG_LEVEL || undefined,
    APPSTATS_DATA_DIR: process.env.APPSTATS_DATA_DIR || undefined,
    LIVE_HEARTBEAT_MS: process.env.LIVE_HEARTBEAT_MS || undefined,
    LIVE_RECHECK_MS: process.env.LIVE_RECHECK_MS || undefined,
    APPSTATS_EMBEDDED: process.env.APPSTATS_EMBEDDED || undefined,
  };
}

// Parsed once per distinct set of values: a server's environment never changes,
// so that is once; a test that changes one (vi.stubEnv) gets it parsed afresh.
let cached: { key: string; env: Env } | undefined;

/** The validated environment. A bad value throws a one-line error naming the variable. */
export function env(): Env {
  const values = raw();
  const key = JSON.stringify(values);
  if (cached?.key === key) return cached.env;
  const parsed = EnvSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  cached = { key, env: parsed.data };
  return parsed.data;
}
