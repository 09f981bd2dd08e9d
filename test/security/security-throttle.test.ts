import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryAfterOf } from '../../server/auth/rate-limit';
import {
  ACCOUNT_FIRST_DELAY_MS,
  ACCOUNT_LIMIT,
  ACCOUNT_MAX_DELAY_MS,
  ACCOUNT_MEMORY_MS,
  ADDRESS_LIMIT,
  KNOWN_ADDRESS_LIMIT,
  SIGN_IN_WINDOW_MS,
} from '../../server/auth/sign-in-throttle';
import { useTestDatabase } from '../helpers/database';
import { makeUser, unique } from '../helpers/fixtures';
import { SAME_ORIGIN, requestWith } from '../helpers/security';
import { expectCode, trpcErrorOf } from '../helpers/errors';

const database = useTestDatabase();

afterEach(() => {
  vi.unstubAllEnvs();
});

async function signIn(username: string, password: string, at: Date, headers: Record<string, string> = {}) {
  const { caller } = await requestWith(database.current.db, { origin: SAME_ORIGIN, ...headers }, at);
  return caller.auth.signIn({ username, password });
}

describe('sign-in throttling', () => {
  it('holds an account back after 5 failures, even with the right password, then lets the right password in', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const start = new Date('2030-01-01T10:00:00Z');
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      await expectCode(signIn(user.username, 'wrong', new Date(start.getTime() + i * 1000)), 'UNAUTHORIZED');
    }
    const lastFailure = start.getTime() + (ACCOUNT_LIMIT - 1) * 1000;
    const soon = new Date(lastFailure + 6000);
    const sixth = await expectCode(signIn(user.username, 'wrong', soon), 'TOO_MANY_REQUESTS');
    expect(retryAfterOf(sixth)).toBe(ACCOUNT_FIRST_DELAY_MS / 1000 - 6);
    expect(sixth.message).toMatch(/try again in 24 s/);

    const right = await expectCode(signIn(user.username, user.password, soon), 'TOO_MANY_REQUESTS');
    expect(retryAfterOf(right)).toBeGreaterThan(0);
    expect(await db.selectFrom('sessions').where('user_id', '=', user.id).select('id_hash').execute()).toEqual([]);

    const waited = new Date(lastFailure + ACCOUNT_FIRST_DELAY_MS);
    await expect(signIn(user.username, user.password, waited)).resolves.toMatchObject({ username: user.username });
  });

  it('doubles the wait with each further failure, up to 15 min, and forgets the failures after a quiet day', async () => {
    const ghost = unique('backoff');
    let at = new Date('2030-01-09T10:00:00Z').getTime();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await expectCode(signIn(ghost, 'wrong', new Date(at)), 'UNAUTHORIZED');
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const refused = await expectCode(signIn(ghost, 'wrong', new Date(at + 1000)), 'TOO_MANY_REQUESTS');
      const wait = (retryAfterOf(refused) ?? 0) + 1;
      waits.push(wait);
      await expectCode(signIn(ghost, 'wrong', new Date(at + wait * 1000 - 1000)), 'TOO_MANY_REQUESTS');
      at += wait * 1000;
      await expectCode(signIn(ghost, 'wrong', new Date(at)), 'UNAUTHORIZED');
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900]);
    expect(ACCOUNT_MAX_DELAY_MS).toBe(900_000);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await expectCode(signIn(ghost, 'wrong', new Date(at + ACCOUNT_MEMORY_MS)), 'UNAUTHORIZED');
    await expectCode(signIn(ghost, 'wrong', new Date(at + ACCOUNT_MEMORY_MS)), 'TOO_MANY_REQUESTS');
  });

  it('forgets an account’s failures after a good sign-in', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const at = new Date('2030-01-02T10:00:00Z');
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await expectCode(signIn(user.username, 'wrong', at), 'UNAUTHORIZED');
    await signIn(user.username, user.password, at);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await expectCode(signIn(user.username, 'wrong', at), 'UNAUTHORIZED');
    await expectCode(signIn(user.username, 'wrong', at), 'TOO_MANY_REQUESTS');
  });

  it('leaves other users alone', async () => {
    const db = database.current.db;
    const [victim, bystander] = [await makeUser(db), await makeUser(db)];
    const at = new Date('2030-01-03T10:00:00Z');
    for (let i = 0; i <= ACCOUNT_LIMIT; i++) await trpcErrorOf(signIn(victim.username, 'wrong', at));
    await expectCode(signIn(victim.username, 'wrong', at), 'TOO_MANY_REQUESTS');
    await expect(signIn(bystander.username, bystander.password, at)).resolves.toMatchObject({ username: bystander.username });
  });

  it('throttles unknown usernames exactly like real ones, whatever their case', async () => {
    const ghost = unique('Nobody');
    const at = new Date('2030-01-04T10:00:00Z');
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const error = await expectCode(signIn(i % 2 ? ghost : ghost.toLowerCase(), 'wrong', at), 'UNAUTHORIZED');
      expect(error.message).toBe('Wrong username or password');
    }
    await expectCode(signIn(ghost.toUpperCase(), 'wrong', at), 'TOO_MANY_REQUESTS');
  });

  it('counts parallel guesses atomically: exactly 5 get a password check', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const at = new Date('2030-01-05T10:00:00Z');
    const errors = await Promise.all(Array.from({ length: 20 }, () => trpcErrorOf(signIn(user.username, 'wrong', at))));
    const codes = errors.map((e) => e.code);
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(ACCOUNT_LIMIT);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(20 - ACCOUNT_LIMIT);
  });

  it('cannot be dodged with a forged X-Forwarded-For when no proxy is trusted', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const at = new Date('2030-01-06T10:00:00Z');
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      await expectCode(signIn(user.username, 'wrong', at, { 'x-forwarded-for': `203.0.113.${i}` }), 'UNAUTHORIZED');
    }
    await expectCode(signIn(user.username, 'wrong', at, { 'x-forwarded-for': '198.51.100.7' }), 'TOO_MANY_REQUESTS');
  });

  it('behind a trusted proxy, limits each address to 50 attempts over all usernames, and only that address', async () => {
    vi.stubEnv('TRUST_PROXY', '1');
    const db = database.current.db;
    const user = await makeUser(db);
    const at = new Date('2030-01-07T10:00:00Z');
    // The left entry is the client's own claim; the proxy appended the real address.
    const from = (claimed: string, real: string) => ({ 'x-forwarded-for': `${claimed}, ${real}` });
    // One username hammered (its own limit soon answers 429, yet every attempt counts for the address)...
    const hammered = unique('hammered');
    const first = ADDRESS_LIMIT - ACCOUNT_LIMIT;
    const codes: string[] = [];
    for (let i = 0; i < first; i++) codes.push((await trpcErrorOf(signIn(hammered, 'wrong', at, from(`10.0.0.${i}`, '192.0.2.1')))).code);
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(ACCOUNT_LIMIT);
    // ...then fresh usernames from the same address, each still within its own limit.
    for (let i = first; i < ADDRESS_LIMIT; i++)
      await expectCode(signIn(unique('spray'), 'wrong', at, from('10.0.0.1', '192.0.2.1')), 'UNAUTHORIZED');
    await expectCode(signIn(user.username, user.password, at, from('10.9.9.9', '192.0.2.1')), 'TOO_MANY_REQUESTS');
    await expect(signIn(user.username, user.password, at, from('192.0.2.1', '192.0.2.2'))).resolves.toMatchObject({
      username: user.username,
    });

    // Per username, the failures of every address count together...
    for (let i = 0; i < ACCOUNT_LIMIT; i++)
      await expectCode(signIn(user.username, 'wrong', at, from('x', `192.0.2.${3 + i}`)), 'UNAUTHORIZED');
    await expectCode(signIn(user.username, 'wrong', at, from('x', '192.0.2.9')), 'TOO_MANY_REQUESTS');
    await expectCode(signIn(user.username, user.password, at, from('x', '192.0.2.10')), 'TOO_MANY_REQUESTS');
    // ...but the address the user signed in from before still gets a few tries of its own, and the right password.
    for (let i = 0; i < KNOWN_ADDRESS_LIMIT; i++)
      await expectCode(signIn(user.username, 'wrong', at, from('x', '192.0.2.2')), 'UNAUTHORIZED');
    await expectCode(signIn(user.username, user.password, at, from('x', '192.0.2.2')), 'TOO_MANY_REQUESTS');
    const nextWindow = new Date(at.getTime() + SIGN_IN_WINDOW_MS);
    await expect(signIn(user.username, user.password, nextWindow, from('x', '192.0.2.2'))).resolves.toMatchObject({
      username: user.username,
    });
  });

  it('behind a trusted proxy, lets the real user in from a known address while an attacker holds the account back', async () => {
    vi.stubEnv('TRUST_PROXY', '1');
    const db = database.current.db;
    const user = await makeUser(db);
    const at = new Date('2030-01-10T10:00:00Z');
    await signIn(user.username, user.password, at, { 'x-forwarded-for': '2001:db8:feed:1::10' });
    for (let i = 0; i <= ACCOUNT_LIMIT; i++) await trpcErrorOf(signIn(user.username, 'wrong', at, { 'x-forwarded-for': `203.0.113.${i}` }));
    await expectCode(signIn(user.username, user.password, at, { 'x-forwarded-for': '203.0.113.99' }), 'TOO_MANY_REQUESTS');
    // Another address of the same /64 (privacy addresses change) is the same network.
    await expect(signIn(user.username, user.password, at, { 'x-forwarded-for': '2001:db8:feed:1:abcd::2' })).resolves.toMatchObject({
      username: user.username,
    });
    // The good sign-in forgot the account's failures.
    await expectCode(signIn(user.username, 'wrong', at, { 'x-forwarded-for': '203.0.113.100' }), 'UNAUTHORIZED');
  });

  it('keeps the counters in PostgreSQL under hashed keys, never the username', async () => {
    const db = database.current.db;
    const name = unique('typed-my-password-here');
    await expectCode(signIn(name, 'wrong', new Date('2030-01-08T10:00:00Z')), 'UNAUTHORIZED');
    const rows = await sql<{ key: string }>`select key from rate_limits`.execute(db);
    expect(rows.rows.some((r) => /^[0-9a-f]{64}$/.test(r.key))).toBe(true);
    expect(rows.rows.some((r) => r.key.includes(name))).toBe(false);
  });
});
