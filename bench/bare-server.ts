import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { standingOn } from '../server/access/permissions';
import { hashToken } from '../server/auth/tokens';
import { createDatabase } from '../server/db/client';
import type { Role, Visibility } from '../server/db/types';
import { type InvocationRow, type ViewEventRow, insertInvocations, insertViewEvents } from '../server/queries/ingest';
import { listRecentInvocations } from '../server/queries/invocations';
import { previewTable } from '../server/queries/preview/read';
import { getAppFigures, getDailyInvocations } from '../server/queries/stats/read';
import { getStorageStats, listWorkspaceTables } from '../server/queries/workspace/catalog';
import { WorkspaceBusyError } from '../server/workspace/limits';

// The honest ceiling of the REST paths (issue 13): a plain node:http server with
// its own pool, no Next, no tRPC, no middleware, no validation. Per request: one
// statement finds the token by its SHA-256 together with the app and the
// caller's membership, then the very query functions the procedures call run
// and their result is sent as the same JSON; an ingestion batch is one INSERT.
// Started by bench/servers.ts with DATABASE_URL, AUTH_SECRET (workspace readers'
// passwords derive from it) and PORT.

const database = createDatabase(process.env.DATABASE_URL ?? '', { max: 10, timeouts: { statementMs: 10_000, lockMs: 3_000 } });
const db = database.db;

interface Access {
  userId: string;
  isAdmin: boolean;
  id: string;
  ownerId: string;
  visibility: Visibility;
  workspaceSchema: string | null;
  quotaBytes: number;
  membershipRole: Role | null;
}

const accessSql = (byUuid: boolean) => `
  select u.id as "userId", u.is_admin as "isAdmin", a.id, a.owner_id as "ownerId", a.visibility,
         a.workspace_schema as "workspaceSchema", a.quota_bytes::float8 as "quotaBytes", m.role as "membershipRole"
  from api_tokens t
  join users u on u.id = t.user_id
  join apps a on ${byUuid ? 'a.id = $2::uuid' : 'a.natural_id = $2'}
  left join memberships m on m.app_id = a.id and m.user_id = u.id
  where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())`;
const BY_UUID = accessSql(true);
const BY_NATURAL_ID = accessSql(false);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The app and the caller's standing on it in one statement, or null (no such token, app, or right). */
async function access(request: IncomingMessage, appId: string, write: boolean): Promise<Access | null> {
  const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return null;
  const byUuid = UUID.test(appId);
  const { rows } = await database.pool.query<Access>(byUuid ? BY_UUID : BY_NATURAL_ID, [
    hashToken(token),
    byUuid ? appId.toLowerCase() : appId,
  ]);
  const found = rows[0];
  if (!found) return null;
  const standing = standingOn(found, { id: found.userId, isAdmin: found.isAdmin }, found.membershipRole);
  return (write ? standing.canWrite : standing.canRead) ? found : null;
}

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

type Item = Record<string, unknown>;
const items = (value: unknown): Item[] => (Array.isArray(value) ? value : [value]).map((item) => (item ?? {}) as Item);
const text = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));
const number = (value: unknown): number | null => (value === undefined || value === null ? null : Number(value));

function views(value: unknown): ViewEventRow[] {
  return items(value).map((e) => ({ viewerId: text(e.viewerId), viewedAt: text(e.viewedAt) }));
}

function invocations(value: unknown): InvocationRow[] {
  return items(value).map((e) => ({
    method: String(e.method),
    path: String(e.path),
    userId: text(e.userId),
    startedAt: String(e.startedAt),
    durationMs: Number(e.durationMs),
    statusCode: Number(e.statusCode),
    memoryPeakBytes: number(e.memoryPeakBytes),
    error: text(e.error),
  }));
}

type Answer = [status: number, json: unknown];
const NOT_FOUND: Answer = [404, { error: { code: 'NOT_FOUND', message: 'Not found' } }];

/** The answer to one request of the six REST paths (and /api/ping). */
async function answer(request: IncomingMessage, url: URL): Promise<Answer> {
  if (url.pathname === '/api/ping') return [200, { ok: true }];
  const match = /^\/api\/apps\/([^/]+)\/(stats|stats\/api|stats\/tables|stats\/tables\/([^/]+)\/preview|views|invocations)$/.exec(
    url.pathname,
  );
  if (!match) return NOT_FOUND;
  const [, rawId = '', path = '', rawTable] = match;
  const appId = decodeURIComponent(rawId);
  const now = new Date();
  const app = await access(request, appId, path !== 'stats');
  if (!app) return NOT_FOUND;
  if (path === 'stats') {
    const [{ views: viewStats, api }, storage] = await Promise.all([getAppFigures(db, app.id, now), getStorageStats(db, app)]);
    return [200, { appId: app.id, ...viewStats, api, storage }];
  }
  if (path === 'stats/api') {
    const [recent, daily] = await Promise.all([listRecentInvocations(db, app.id), getDailyInvocations(db, app.id, now)]);
    return [200, { recent, daily }];
  }
  if (path === 'stats/tables') return [200, await listWorkspaceTables(db, app.workspaceSchema)];
  if (path === 'views') return [202, { accepted: await insertViewEvents(db, app.id, views(await body(request))) }];
  if (path === 'invocations') return [202, { accepted: await insertInvocations(db, app.id, invocations(await body(request))) }];
  const paging = (await body(request)) as { limit?: number; offset?: number };
  const page = await previewTable(db, app.workspaceSchema, decodeURIComponent(rawTable ?? ''), {
    limit: paging.limit ?? 25,
    offset: paging.offset ?? 0,
  });
  return page ? [200, page] : NOT_FOUND;
}

function send(response: ServerResponse, [status, json]: Answer): void {
  const payload = JSON.stringify(json);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  response.end(payload);
}

const server = createServer((request, response) => {
  answer(request, new URL(request.url ?? '/', 'http://bare')).then(
    (result) => send(response, result),
    (error: unknown) => {
      if (request.destroyed || response.destroyed) return; // the client went away (the end of a load run)
      if (error instanceof WorkspaceBusyError)
        return send(response, [503, { error: { code: 'SERVICE_UNAVAILABLE', message: error.message } }]);
      process.stderr.write(`[bare] ${request.method} ${request.url}: ${error instanceof Error ? error.message : String(error)}\n`);
      send(response, [500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } }]);
    },
  );
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void database.destroy().finally(() => process.exit(0));
});
