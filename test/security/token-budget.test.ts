import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addressGroup, clientAddress, trustedProxyHops } from '../../server/auth/client-address';
import { consumeTokenBudget, tokenRateLimit } from '../../server/auth/rate-limit';
import { hitWindow } from '../../server/queries/rate-limits';
import { useTestDatabase } from '../helpers/database';
import { makeUser, unique } from '../helpers/fixtures';
import { requestWith } from '../helpers/security';

// Who the client is (TRUST_PROXY, X-Forwarded-For) and the per-token budget; sign-in throttling: security-throttle.test.ts.

const database = useTestDatabase();

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('client address', () => {
  it('is null without a trusted proxy, whatever the headers claim', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.9' }), 0)).toBeNull();
  });

  it('takes the entry the nearest trusted proxy added, counted from the right', () => {
    const headers = new Headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.2' });
    expect(clientAddress(headers, 1)).toBe('10.0.0.2');
    expect(clientAddress(headers, 2)).toBe('203.0.113.9');
    expect(clientAddress(headers, 4)).toBeNull();
    expect(clientAddress(new Headers({ 'x-forwarded-for': '[2001:DB8::1]:443' }), 1)).toBe('2001:db8::1');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.9:5000' }), 1)).toBe('203.0.113.9');
    expect(clientAddress(new Headers({ 'x-forwarded-for': 'unknown' }), 1)).toBeNull();
    expect(clientAddress(new Headers(), 1)).toBeNull();
  });

  it('groups addresses for counting: IPv4 as is, IPv6 by /64, IPv4-mapped IPv6 as IPv4', () => {
    expect(addressGroup('203.0.113.9')).toBe('203.0.113.9');
    expect(addressGroup('2001:db8:a:b::1')).toBe('2001:db8:a:b::/64');
    expect(addressGroup('2001:0DB8:000a:b:ffff:ffff:ffff:ffff')).toBe('2001:db8:a:b::/64');
    expect(addressGroup('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressGroup('0:0:0:0:0:ffff:c633:6407')).toBe('198.51.100.7');
    expect(addressGroup('2001:db8:a:b:c:d:1.2.3.4')).toBe('2001:db8:a:b::/64');
    expect(addressGroup('unknown')).toBeNull();
  });

  it('reads TRUST_PROXY strictly', () => {
    const hops = (value: string | undefined) => {
      vi.stubEnv('TRUST_PROXY', value);
      return trustedProxyHops();
    };
    expect([undefined, '', 'false', '0', 'true', '2'].map(hops)).toEqual([0, 0, 0, 0, 1, 2]);
    expect(() => hops('yes')).toThrow(/TRUST_PROXY/);
    expect(() => hops('99')).toThrow(/TRUST_PROXY/);
  });
});

describe('per-token budget', () => {
  it('puts the token id on the principal', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const { ctx } = await requestWith(db, { authorization: `Bearer ${user.token}` });
    const row = await db.selectFrom('api_tokens').select('id').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(ctx.auth.principal).toMatchObject({ via: 'token', tokenId: row.id });
  });

  it('allows `limit` requests per minute per token, then says how long to wait', async () => {
    const db = database.current.db;
    const [a, b] = [unique('token-a'), unique('token-b')];
    const at = new Date('2030-02-01T10:00:20Z');
    const results = await Promise.all(Array.from({ length: 10 }, () => consumeTokenBudget(db, a, at, 3)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    const refused = results.find((r) => !r.allowed);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 60, limit: 3, remaining: 0 });
    expect((await consumeTokenBudget(db, a, new Date(at.getTime() + 59_000), 3)).retryAfterSeconds).toBe(1);
    await expect(consumeTokenBudget(db, b, at, 3)).resolves.toMatchObject({ allowed: true, remaining: 2 });
    await expect(consumeTokenBudget(db, a, new Date(at.getTime() + 60_000), 3)).resolves.toMatchObject({ allowed: true, remaining: 2 });
  });

  it('reads TOKEN_RATE_LIMIT, where 0 turns the limit off', async () => {
    const limit = (value: string | undefined) => {
      vi.stubEnv('TOKEN_RATE_LIMIT', value);
      return tokenRateLimit();
    };
    expect(limit(undefined)).toBe(6000);
    expect(limit('120')).toBe(120);
    expect(() => limit('lots')).toThrow(/TOKEN_RATE_LIMIT/);
    const at = new Date('2030-02-02T10:00:00Z');
    for (let i = 0; i < 5; i++) expect((await consumeTokenBudget(database.current.db, 'off', at, 0)).allowed).toBe(true);
  });

  it('sweeps windows that ended as new keys arrive', async () => {
    const db = database.current.db;
    const old = new Date('2020-01-01T00:00:00Z');
    for (let i = 0; i < 30; i++) await hitWindow(db, unique('stale'), old, 1000);
    const count = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`select count(*) as n from rate_limits where reset_at < ${old.toISOString()}::timestamptz + interval '1 day'`.execute(db)
        ).rows[0]?.n,
      );
    expect(await count()).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await hitWindow(db, unique('fresh'), new Date('2030-03-01T00:00:00Z'), 1000);
    expect(await count()).toBe(0);
  });
});
