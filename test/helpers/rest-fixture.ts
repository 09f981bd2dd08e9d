import { afterAll, beforeAll } from 'vitest';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestApp, type TestUser, makeApp, makeUser } from './fixtures';
import { type Answer, httpTarget, readAnswer } from './http';

// The setting of the REST tests over real HTTP: the server `npm test` started,
// its database, an owner, a viewer, an outsider and an app with a workspace.

export interface RestFixture {
  base: string;
  databaseUrl: string;
  database: Database;
  owner: TestUser;
  viewer: TestUser;
  outsider: TestUser;
  app: TestApp;
  schema: string;
}

/** Creates the fixture before the file's tests and closes its database after them; read it inside tests. */
export function useRestFixture(file: string): RestFixture {
  const { base, databaseUrl } = httpTarget(file);
  const fixture = { base, databaseUrl } as RestFixture;
  beforeAll(async () => {
    fixture.database = createDatabase(databaseUrl, { max: 3 });
    const db = fixture.database.db;
    fixture.owner = await makeUser(db);
    fixture.viewer = await makeUser(db);
    fixture.outsider = await makeUser(db);
    fixture.app = await makeApp(db, fixture.owner, { workspace: true, quotaBytes: 5_000_000, members: [[fixture.viewer, 'viewer']] });
    fixture.schema = fixture.app.workspaceSchema as string;
  });
  afterAll(async () => {
    await fixture.database?.destroy();
  });
  return fixture;
}

/** A request as the owner unless `token` says otherwise (null: no credentials). */
export async function restHttp(fixture: RestFixture, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? fixture.owner.token : init.token;
  if (token) headers.set('authorization', `Bearer ${token}`);
  return readAnswer(await fetch(`${fixture.base}${path}`, { ...init, headers }));
}

/** A JSON POST through restHttp. */
export function restPost(fixture: RestFixture, path: string, body: string | undefined, token?: string | null): Promise<Answer> {
  return restHttp(fixture, path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, token });
}
