import { afterEach, describe, expect, it, vi } from 'vitest';
import { Slots } from '../../server/auth/hash-limit';
import { hashingLoad } from '../../server/auth/passwords';
import { retryAfterOf } from '../../server/auth/rate-limit';
import { ADDRESS_LIMIT } from '../../server/auth/sign-in-throttle';
import { useTestDatabase } from '../helpers/database';
import { makeUser, unique } from '../helpers/fixtures';
import { SAME_ORIGIN, requestWith } from '../helpers/security';
import { expectCode, trpcErrorOf } from '../helpers/errors';

// Issue 11: one test per way of getting around (or abusing) sign-in throttling,
// each written before the fix and failing on the code it replaced.

const database = useTestDatabase();

afterEach(() => {
  vi.unstubAllEnvs();
});

async function signIn(username: string, password: string, at: Date, address?: string) {
  const headers: Record<string, string> = { origin: SAME_ORIGIN };
  if (address !== undefined) headers['x-forwarded-for'] = address;
  const { caller } = await requestWith(database.current.db, headers, at);
  return caller.auth.signIn({ username, password });
}

const later = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

describe('sign-in attacks', () => {
  it('without a trusted proxy, an attacker’s wrong guesses do not lock the real user out for the whole window', async () => {
    const victim = await makeUser(database.current.db);
    const t0 = new Date('2031-01-01T10:00:00Z');
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await trpcErrorOf(signIn(victim.username, 'guess', t0))).code);
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(5);
    // The account is held back a short while after its failures, not for 15 minutes...
    const held = await expectCode(signIn(victim.username, victim.password, later(t0, 10)), 'TOO_MANY_REQUESTS');
    expect(retryAfterOf(held)).toBeLessThanOrEqual(60);
    // ...so the real user with the right password gets in a minute later.
    await expect(signIn(victim.username, victim.password, later(t0, 60))).resolves.toMatchObject({ username: victim.username });
  });

  it('behind a trusted proxy, rotating addresses gets no more guesses at one account than the per-account bound', async () => {
    vi.stubEnv('TRUST_PROXY', '1');
    const victim = await makeUser(database.current.db);
    const t0 = new Date('2031-01-02T10:00:00Z');
    const guess = async (at: Date, i: number) =>
      (await trpcErrorOf(signIn(victim.username, 'guess', at, `198.18.${i >> 8}.${i & 255}`))).code;
    // Twenty addresses at once: only the account's five free guesses get a password check.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(t0, i)));
    expect(burst.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(5);
    // Then a fresh address every 5 seconds for the rest of a quarter of an hour.
    let checked = 5;
    for (let i = 1; i < 180; i++) if ((await guess(later(t0, i * 5), 20 + i)) === 'UNAUTHORIZED') checked++;
    // 5 free guesses, then one after 30 s, 60 s, 120 s and 240 s: 9 in the first 15 minutes (10 allows for rounding).
    expect(checked).toBeLessThanOrEqual(10);
  });

  it('signing into one’s own account between guesses gives the address no more guesses', async () => {
    vi.stubEnv('TRUST_PROXY', '1');
    const attacker = await makeUser(database.current.db);
    const at = new Date('2031-01-03T10:00:00Z');
    const from = '192.0.2.66';
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      if (i % 2 === 0) await signIn(attacker.username, attacker.password, at, from);
      else await expectCode(signIn(unique('spray'), 'guess', at, from), 'UNAUTHORIZED');
    }
    const next = await expectCode(signIn(unique('spray'), 'guess', at, from), 'TOO_MANY_REQUESTS');
    expect(retryAfterOf(next)).toBeGreaterThan(0);
  });

  it('IPv6 addresses in one /64 share one address counter', async () => {
    vi.stubEnv('TRUST_PROXY', '1');
    const at = new Date('2031-01-04T10:00:00Z');
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      await expectCode(signIn(unique('spray'), 'guess', at, `2001:db8:a:b:${(i + 1).toString(16)}::${i}`), 'UNAUTHORIZED');
    }
    await expectCode(signIn(unique('spray'), 'guess', at, '2001:db8:a:b:ffff:ffff:ffff:ffff'), 'TOO_MANY_REQUESTS');
    await expectCode(signIn(unique('spray'), 'guess', at, '[2001:DB8:A:B::1]:443'), 'TOO_MANY_REQUESTS');
    await expectCode(signIn(unique('spray'), 'guess', at, '2001:db8:a:c::1'), 'UNAUTHORIZED');
  });

  it('an IPv4-mapped IPv6 address counts as its IPv4 address', async () => {
    vi.stubEnv('TRUST_PROXY', '1');
    const at = new Date('2031-01-05T10:00:00Z');
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      await expectCode(signIn(unique('spray'), 'guess', at, i % 2 ? '198.51.100.7' : '::ffff:198.51.100.7'), 'UNAUTHORIZED');
    }
    await expectCode(signIn(unique('spray'), 'guess', at, '198.51.100.7'), 'TOO_MANY_REQUESTS');
    await expectCode(signIn(unique('spray'), 'guess', at, '::FFFF:198.51.100.7'), 'TOO_MANY_REQUESTS');
  });

  it('bounds concurrent password hashing: a burst of sign-ins waits in a short queue, the excess gets 429', async () => {
    const at = new Date('2031-01-06T10:00:00Z');
    // Every username different, so no per-account limit applies: only hashing capacity can refuse.
    const errors = await Promise.all(Array.from({ length: 100 }, () => trpcErrorOf(signIn(unique('burst'), 'guess', at))));
    const busy = errors.filter((e) => e.code === 'TOO_MANY_REQUESTS');
    expect(busy.length, 'some of 100 parallel sign-ins refused for lack of hashing capacity').toBeGreaterThan(0);
    expect(errors.every((e) => e.code === 'UNAUTHORIZED' || e.code === 'TOO_MANY_REQUESTS')).toBe(true);
    for (const error of busy) expect(retryAfterOf(error)).toBeGreaterThan(0);
    const load = hashingLoad();
    expect(load.peak).toBeGreaterThan(0);
    expect(load.peak).toBeLessThanOrEqual(4);
    expect(load).toMatchObject({ active: 0, waiting: 0 });
  }, 120_000);
});

describe('hashing slots', () => {
  /** A promise that settles when `open` is called. */
  function gate() {
    let open: () => void = () => undefined;
    const shut = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { shut, open };
  }

  it('runs `concurrency` jobs at once, queues `maxWaiting` more first come first served, and refuses the next at once', async () => {
    const slots = new Slots({ concurrency: 2, maxWaiting: 2, maxWaitMs: 10_000, busyMessage: 'busy' });
    const gates = Array.from({ length: 4 }, gate);
    const finished: number[] = [];
    const jobs = gates.map(({ shut }, i) =>
      slots.run(async () => {
        await shut;
        finished.push(i);
      }),
    );
    expect(slots.load()).toMatchObject({ active: 2, waiting: 2 });
    expect(() => slots.assertRoom()).toThrow('busy');
    const refused = await trpcErrorOf(slots.run(async () => 0));
    expect([refused.code, retryAfterOf(refused)]).toEqual(['TOO_MANY_REQUESTS', 10]);
    // The queued jobs are free to finish, yet wait for a slot; job 0's slot then serves 2, then 3.
    gates[3]?.open();
    gates[2]?.open();
    gates[0]?.open();
    await jobs[3];
    expect(finished).toEqual([0, 2, 3]);
    gates[1]?.open();
    await Promise.all(jobs);
    expect(slots.load()).toEqual({ active: 0, waiting: 0, peak: 2 });
    expect(() => slots.assertRoom()).not.toThrow();
  });

  it('refuses a job that waited longer than `maxWaitMs`, and frees its place in the queue', async () => {
    const slots = new Slots({ concurrency: 1, maxWaiting: 1, maxWaitMs: 50, busyMessage: 'busy' });
    const { shut, open } = gate();
    const running = slots.run(() => shut);
    await expectCode(
      slots.run(async () => 0),
      'TOO_MANY_REQUESTS',
    );
    expect(slots.load()).toMatchObject({ active: 1, waiting: 0 });
    open();
    await running;
    await expect(slots.run(async () => 'ran')).resolves.toBe('ran');
  });

  it('frees the slot when a job fails', async () => {
    const slots = new Slots({ concurrency: 1, maxWaiting: 0, maxWaitMs: 50, busyMessage: 'busy' });
    await expect(slots.run(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow('scrypt failed');
    await expect(slots.run(async () => 'ran')).resolves.toBe('ran');
  });
});
