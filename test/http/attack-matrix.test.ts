import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, createDatabase } from '../../server/db/client';
import type { Role } from '../../server/db/types';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { type Answer, call, httpTarget } from '../helpers/http';

// Every credential × app × documented path over real HTTP (the server of
// `scripts/test.ts`). Statuses follow CONTRACT §4; and a caller who cannot read
// an app gets the very bytes, status and headers of one asking for an app that
// does not exist, so nobody can probe for ids or natural ids.

const { base, databaseUrl } = httpTarget('test/http/attack-matrix.test.ts');

type Who = 'owner' | 'admin' | 'member' | 'viewer' | 'outsider' | 'platformAdmin' | 'anonymous' | 'badToken';
type Which = 'private' | 'public' | 'missingUuid' | 'missingSlug';
type Path = 'stats' | 'tables' | 'preview' | 'api';

const WHO: Who[] = ['owner', 'admin', 'member', 'viewer', 'outsider', 'platformAdmin', 'anonymous', 'badToken'];
const WHICH: Which[] = ['private', 'public', 'missingUuid', 'missingSlug'];
const PATHS: Path[] = ['stats', 'tables', 'preview', 'api'];
const RANK: Record<Who, number> = { anonymous: -2, badToken: -2, outsider: 0, viewer: 1, member: 2, admin: 3, owner: 4, platformAdmin: 5 };

/** What CONTRACT §4 says each combination answers. */
function expected(who: Who, which: Which, path: Path): number {
  if (RANK[who] < 0) return 401;
  if (which === 'missingUuid' || which === 'missingSlug') return 404;
  const canRead = RANK[who] >= 1 || which === 'public';
  const canWrite = RANK[who] >= 2;
  if (!canRead) return 404;
  if (path === 'stats') return 200;
  return canWrite ? 200 : 403;
}

// Headers that differ between any two answers whatever they say.
const VARYING = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);

/** The headers of an answer that could tell two answers apart, sorted. */
function telling(answer: Answer): string[] {
  return [...answer.headers.entries()]
    .filter(([name]) => !VARYING.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort();
}

let database: Database;
const tokens = {} as Record<Who, string | null>;
const apps = {} as Record<Which, string>;

beforeAll(async () => {
  database = createDatabase(databaseUrl, { max: 2 });
  const db = database.db;
  const users: Partial<Record<Who, TestUser>> = {};
  for (const who of ['owner', 'admin', 'member', 'viewer', 'outsider'] as const) users[who] = await makeUser(db, { prefix: who });
  users.platformAdmin = await makeUser(db, { admin: true, prefix: 'platform' });
  const owner = users.owner as TestUser;
  const members: Array<[TestUser, Role]> = (['admin', 'member', 'viewer'] as const).map((role) => [users[role] as TestUser, role]);
  const made: Partial<Record<Which, TestApp>> = {};
  for (const visibility of ['private', 'public'] as const) {
    const app = await makeApp(db, owner, { workspace: true, visibility, members });
    await sql`create table ${sql.id(app.workspaceSchema as string, 'things')} (id int primary key, label text)`.execute(db);
    await sql`insert into ${sql.id(app.workspaceSchema as string, 'things')} values (1, ${visibility})`.execute(db);
    await db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
    made[visibility] = app;
  }
  for (const who of WHO) tokens[who] = users[who]?.token ?? null;
  tokens.badToken = `ast_${randomBytes(32).toString('base64url')}`;
  apps.private = (made.private as TestApp).id;
  apps.public = (made.public as TestApp).naturalId;
  apps.missingUuid = randomUUID();
  apps.missingSlug = `no-such-app-${randomBytes(4).toString('hex')}`;
});

afterAll(async () => {
  await database?.destroy();
});

function request(who: Who, which: Which, path: Path): Promise<Answer> {
  const app = `/api/apps/${encodeURIComponent(apps[which])}/stats`;
  const token = tokens[who];
  if (path === 'preview') return call(base, `${app}/tables/things/preview`, { method: 'POST', body: '{}', token });
  return call(base, path === 'stats' ? app : `${app}/${path}`, { token });
}

describe('the access matrix over HTTP', () => {
  it('answers each role × app × path as the contract says, with 404s that cannot be told apart', async () => {
    const answers: Array<{ who: Who; which: Which; path: Path; answer: Answer }> = [];
    for (const who of WHO) {
      for (const which of WHICH) {
        for (const path of PATHS) answers.push({ who, which, path, answer: await request(who, which, path) });
      }
    }
    const statuses = answers.map(({ who, which, path, answer }) => `${who} ${which} ${path} ${answer.status}`);
    expect(statuses).toEqual(answers.map(({ who, which, path }) => `${who} ${which} ${path} ${expected(who, which, path)}`));

    for (const { answer } of answers) expect(answer.headers.get('content-type')).toBe('application/json');
    const byStatus = (status: number) => answers.filter((a) => a.answer.status === status);

    // "Cannot read" and "does not exist": one body and one set of headers, on every path.
    const notFound = byStatus(404);
    expect(new Set(notFound.map((a) => a.which))).toEqual(new Set(['private', 'missingUuid', 'missingSlug']));
    expect(new Set(notFound.map((a) => a.answer.text))).toEqual(new Set(['{"error":{"code":"NOT_FOUND","message":"App not found"}}']));
    expect(new Set(notFound.map((a) => JSON.stringify(telling(a.answer)))).size).toBe(1);

    // Without valid credentials nothing depends on the app either.
    for (const who of ['anonymous', 'badToken'] as const) {
      const refused = answers.filter((a) => a.who === who);
      expect(new Set(refused.map((a) => a.answer.text)).size, who).toBe(1);
      expect(new Set(refused.map((a) => JSON.stringify(telling(a.answer)))).size, who).toBe(1);
      expect(refused[0]?.answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }

    // A reader who may not write gets one 403, whichever app and path.
    const forbidden = byStatus(403);
    expect(new Set(forbidden.map((a) => a.answer.text)).size).toBe(1);
    expect(new Set(forbidden.map((a) => JSON.stringify(telling(a.answer)))).size).toBe(1);

    // Successes carry the app's own data only.
    for (const { which, path, answer } of byStatus(200)) {
      if (path === 'preview') expect(JSON.parse(answer.text)).toMatchObject({ rows: [{ id: 1, label: which }], rowCount: 1 });
      if (path === 'stats') expect(JSON.parse(answer.text)).toMatchObject({ totalViews: 1 });
    }
  });

  it('answers the same for an app id in any case or spelling that names no app', async () => {
    const variants = [
      apps.missingUuid.toUpperCase(),
      `{${apps.missingUuid}}`,
      apps.missingUuid.replace(/-/g, ''),
      `${apps.private}x`,
      ' ',
      '%00',
      'x'.repeat(300),
    ];
    const texts = new Set<string>();
    for (const id of variants) {
      const answer = await call(base, `/api/apps/${encodeURIComponent(id)}/stats`, { token: tokens.outsider });
      texts.add(`${answer.status} ${answer.text}`);
    }
    expect(texts).toEqual(new Set(['404 {"error":{"code":"NOT_FOUND","message":"App not found"}}']));
  });
});
