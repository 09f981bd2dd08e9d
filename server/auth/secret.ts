import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { dataDir } from '../data-dir';
import { env } from '../env';

let cached: string | undefined;

/**
 * AUTH_SECRET, or outside production a secret generated once and kept in
 * `.data/auth-secret`, so sessions survive restarts of a dev server.
 */
export function authSecret(): string {
  if (cached) return cached;
  const { AUTH_SECRET: configured, NODE_ENV, APPSTATS_EMBEDDED } = env();
  if (configured) return (cached = configured);
  if (NODE_ENV === 'production' && !APPSTATS_EMBEDDED) {
    throw new Error('Invalid environment variable AUTH_SECRET: required when NODE_ENV=production with a real database');
  }
  const file = path.join(dataDir(), 'auth-secret');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return (cached = readFileSync(file, 'utf8').trim());
}
