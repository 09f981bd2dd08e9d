import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { env } from '../../server/env';

const NAMES = [
  'DATABASE_URL',
  'PORT',
  'AUTH_SECRET',
  'NODE_ENV',
  'TRUST_PROXY',
  'TOKEN_RATE_LIMIT',
  'SESSION_RATE_LIMIT',
  'LOG_LEVEL',
  'APPSTATS_DATA_DIR',
  'APPSTATS_EMBEDDED',
  'LIVE_HEARTBEAT_MS',
  'LIVE_RECHECK_MS',
] as const;

const SECRET = 'a-test-secret-of-at-least-32-characters!';

beforeEach(() => {
  for (const name of NAMES) vi.stubEnv(name, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('env()', () => {
  it('has a default for every variable left unset, and counts an empty value as unset', () => {
    const defaults = {
      DATABASE_URL: undefined,
      PORT: 3000,
      AUTH_SECRET: undefined,
      NODE_ENV: 'development',
      TRUST_PROXY: 0,
      TOKEN_RATE_LIMIT: 6000,
      SESSION_RATE_LIMIT: 6000,
      LOG_LEVEL: 'info',
      APPSTATS_DATA_DIR: undefined,
      APPSTATS_EMBEDDED: false,
      LIVE_HEARTBEAT_MS: 20_000,
      LIVE_RECHECK_MS: 5_000,
    };
    expect(env()).toEqual(defaults);
    for (const name of NAMES) vi.stubEnv(name, '');
    expect(env()).toEqual(defaults);
  });

  it('parses each variable', () => {
    const cases: [name: (typeof NAMES)[number], value: string, parsed: unknown][] = [
      ['DATABASE_URL', 'postgres://u:p@db:5432/appstats', 'postgres://u:p@db:5432/appstats'],
      ['DATABASE_URL', 'postgresql://db/appstats', 'postgresql://db/appstats'],
      ['PORT', '8080', 8080],
      ['AUTH_SECRET', SECRET, SECRET],
      ['NODE_ENV', 'production', 'production'],
      ['NODE_ENV', 'test', 'test'],
      ['TRUST_PROXY', 'false', 0],
      ['TRUST_PROXY', 'true', 1],
      ['TRUST_PROXY', '0', 0],
      ['TRUST_PROXY', '10', 10],
      ['TOKEN_RATE_LIMIT', '120', 120],
      ['TOKEN_RATE_LIMIT', '0', 0],
      ['SESSION_RATE_LIMIT', '30', 30],
      ['LOG_LEVEL', 'debug', 'debug'],
      ['LOG_LEVEL', 'silent', 'silent'],
      ['APPSTATS_DATA_DIR', '/var/lib/appstats', '/var/lib/appstats'],
      ['APPSTATS_EMBEDDED', '1', true],
      ['APPSTATS_EMBEDDED', '0', false],
    ];
    for (const [name, value, parsed] of cases) {
      vi.unstubAllEnvs();
      for (const other of NAMES) vi.stubEnv(other, undefined);
      vi.stubEnv(name, value);
      expect(env()[name], `${name}=${value}`).toEqual(parsed);
    }
  });

  it('takes the session limit from the token limit, and the log level from NODE_ENV, when unset', () => {
    vi.stubEnv('TOKEN_RATE_LIMIT', '7');
    vi.stubEnv('NODE_ENV', 'test');
    expect(env()).toMatchObject({ SESSION_RATE_LIMIT: 7, LOG_LEVEL: 'silent' });
    vi.stubEnv('SESSION_RATE_LIMIT', '0');
    vi.stubEnv('LOG_LEVEL', 'warn');
    expect(env()).toMatchObject({ SESSION_RATE_LIMIT: 0, LOG_LEVEL: 'warn' });
  });

  it('refuses a bad value of each with one line naming the variable', () => {
    const bad: [name: (typeof NAMES)[number], value: string][] = [
      ['DATABASE_URL', 'mysql://db/appstats'],
      ['PORT', '70000'],
      ['PORT', 'http'],
      ['AUTH_SECRET', 'too-short'],
      ['NODE_ENV', 'staging'],
      ['TRUST_PROXY', 'yes'],
      ['TRUST_PROXY', '11'],
      ['TOKEN_RATE_LIMIT', 'lots'],
      ['TOKEN_RATE_LIMIT', '-1'],
      ['SESSION_RATE_LIMIT', '1.5'],
      ['LOG_LEVEL', 'verbose'],
      ['APPSTATS_EMBEDDED', 'true'],
    ];
    for (const [name, value] of bad) {
      vi.unstubAllEnvs();
      for (const other of NAMES) vi.stubEnv(other, undefined);
      vi.stubEnv(name, value);
      expect(() => env(), `${name}=${value}`).toThrow(new RegExp(`^Invalid environment variable ${name}: [^\\n]+$`));
    }
    // APPSTATS_DATA_DIR has no bad value: any path will do, a relative one is taken from the working directory.
  });

  it('keeps the messages the server has always given', () => {
    vi.stubEnv('AUTH_SECRET', 'short');
    expect(() => env()).toThrow('Invalid environment variable AUTH_SECRET: must be at least 32 characters');
    vi.unstubAllEnvs();
    vi.stubEnv('TRUST_PROXY', 'yes');
    expect(() => env()).toThrow('Invalid environment variable TRUST_PROXY: must be true, false or a number of proxy hops (0-10)');
    vi.unstubAllEnvs();
    vi.stubEnv('SESSION_RATE_LIMIT', 'lots');
    expect(() => env()).toThrow('Invalid environment variable SESSION_RATE_LIMIT: must be a whole number of requests per minute (0 = off)');
  });

  it('parses once per set of values, and sees a value changed at run time', () => {
    vi.stubEnv('PORT', '4000');
    const first = env();
    expect(env()).toBe(first);
    vi.stubEnv('PORT', '4001');
    expect(env().PORT).toBe(4001);
    vi.stubEnv('PORT', '4000');
    expect(env()).toEqual(first);
  });
});
