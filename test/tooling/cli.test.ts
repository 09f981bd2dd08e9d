import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/database';
import { unique } from '../helpers/fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const database = useTestDatabase();

function expectOneLineError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

describe('CLI', () => {
  it('creates users, tokens, apps and members, each printing exactly one JSON document', { timeout: 180_000 }, async () => {
    const url = database.current.url;
    const owner = unique('owner');
    const user = await cli(url, 'user:create', '--username', owner, '--password', 's3cret-pass', '--name', 'Owner Person', '--admin');
    expect(user.code).toBe(0);
    expect(user.stdout.trim().split('\n')).toHaveLength(1);
    expect(user.json).toEqual({ id: expect.stringMatching(UUID), username: owner });

    const token = await cli(url, 'token:create', '--username', owner, '--name', 'ci', '--expires-in-days', '30');
    expect(token.code).toBe(0);
    expect(token.json).toEqual({ id: expect.stringMatching(UUID), token: expect.stringMatching(/^ast_[A-Za-z0-9_-]{43}$/) });

    const revoked = await cli(url, 'token:revoke', '--id', (token.json as { id: string }).id);
    expect(revoked.json).toEqual({ id: (token.json as { id: string }).id, revoked: true });

    const slug = unique('shop');
    const app = await cli(
      url,
      'app:create',
      '--natural-id',
      slug,
      '--name',
      'Shop',
      '--owner',
      owner,
      '--workspace',
      '--quota-bytes',
      '2048',
      '--visibility',
      'public',
    );
    expect(app.code).toBe(0);
    const created = app.json as { id: string; naturalId: string; workspaceSchema: string };
    expect(created).toEqual({ id: expect.stringMatching(UUID), naturalId: slug, workspaceSchema: `ws_${created.id.replace(/-/g, '')}` });
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_namespace where nspname = ${created.workspaceSchema}`.execute(database.current.db);
    expect(rows[0]?.n).toBe(1);

    const plain = await cli(url, 'app:create', '--natural-id', unique('plain'), '--name', 'Plain', '--owner', owner);
    expect((plain.json as { workspaceSchema: unknown }).workspaceSchema).toBeNull();

    const member = unique('member');
    await cli(url, 'user:create', '--username', member, '--password', 'pw');
    const added = await cli(url, 'member:add', '--app', slug, '--username', member, '--role', 'viewer');
    expect(added.json).toEqual({ appId: created.id, username: member, role: 'viewer' });
    const byUuid = await cli(url, 'member:add', '--app', created.id, '--username', member, '--role', 'admin');
    expect(byUuid.json).toEqual({ appId: created.id, username: member, role: 'admin' });
  });

  it('rejects bad input with a one-line message on stderr and a non-zero exit', { timeout: 180_000 }, async () => {
    const url = database.current.url;
    const owner = unique('owner');
    await cli(url, 'user:create', '--username', owner, '--password', 'pw');
    const slug = unique('app');
    await cli(url, 'app:create', '--natural-id', slug, '--name', 'A', '--owner', owner);

    // Independent cases, run side by side: each is a whole `npm run` process.
    const cases: Array<[string[], RegExp]> = [
      [['user:create', '--username', owner, '--password', 'pw'], /already taken/],
      [['user:create', '--username', unique('x')], /Missing flag: --password/],
      [['user:create', '--username', unique('x'), '--password', 'p', '--bogus', '1'], /Unknown flag: --bogus/],
      [['token:create', '--username', 'nobody-here'], /Unknown user/],
      [['token:create', '--username', owner, '--expires-in-days', 'soon'], /must be a number/],
      [['token:revoke', '--id', '00000000-0000-4000-8000-000000000000'], /Unknown token/],
      [['app:create', '--natural-id', slug, '--name', 'B', '--owner', owner], /already taken/],
      [['app:create', '--natural-id', 'Bad Slug!', '--name', 'B', '--owner', owner], /--natural-id/],
      [['app:create', '--natural-id', unique('a'), '--name', 'B', '--owner', 'ghost'], /Unknown user/],
      [['app:create', '--natural-id', unique('a'), '--name', 'B', '--owner', owner, '--visibility', 'secret'], /--visibility/],
      [['member:add', '--app', slug, '--username', owner, '--role', 'boss'], /--role/],
      [['member:add', '--app', 'no-such-app', '--username', owner, '--role', 'viewer'], /Unknown app/],
      [['member:add', '--app', slug, '--username', 'ghost', '--role', 'viewer'], /Unknown user/],
      [['frobnicate'], /Unknown command/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(url, ...args)));
    results.forEach((result, i) => expectOneLineError(result, cases[i]?.[1] ?? /./));
  });

  it('never stores or prints a password in clear', async () => {
    const url = database.current.url;
    const username = unique('secretive');
    const password = 'correct horse battery staple';
    const result = await cli(url, 'user:create', '--username', username, '--password', password);
    expect(result.stdout + result.stderr).not.toContain(password);
    const row = await database.current.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).not.toContain(password);
    expect(row.password_hash).toMatch(/^scrypt\$/);
  });
});
