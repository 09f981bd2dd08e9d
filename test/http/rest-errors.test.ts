import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemCaller } from '../helpers/fixtures';
import { expectError } from '../helpers/http';
import { restHttp, restPost, useRestFixture } from '../helpers/rest-fixture';
import { rawOpenChunkedRequest, rawRequest } from '../helpers/http';

// Errors of the four documented paths over real HTTP: 401, 403, 404, 405, 413,
// and never a stack trace or SQL in an answer.

const FILE = 'test/http/rest-errors.test.ts';
// Bound to this file's fixture: `owner`, `app`… are read inside tests, after beforeAll.
const f = useRestFixture(FILE);
const http = (path: string, init: RequestInit & { token?: string | null } = {}) => restHttp(f, path, init);
const post = (path: string, body: string | undefined, token?: string | null) => restPost(f, path, body, token);

describe('errors on every path', () => {
  const paths = () => [
    { path: `/api/apps/${f.app.id}/stats`, method: 'GET', write: false },
    { path: `/api/apps/${f.app.id}/stats/tables`, method: 'GET', write: true },
    { path: `/api/apps/${f.app.id}/stats/tables/rows/preview`, method: 'POST', write: true },
    { path: `/api/apps/${f.app.id}/stats/api`, method: 'GET', write: true },
  ];

  it('401 for missing, malformed, unknown, expired and revoked credentials', async () => {
    const system = systemCaller(f.database.db);
    const expired = await system.admin.createToken({ username: f.owner.username });
    await f.database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expired.id)
      .execute();
    const revoked = await system.admin.createToken({ username: f.owner.username });
    await system.admin.revokeToken({ id: revoked.id });
    const variants: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['malformed', { authorization: 'Bearer nope' }],
      ['wrong scheme', { authorization: 'Token abc' }],
      ['unknown', { authorization: `Bearer ast_${randomBytes(32).toString('base64url')}` }],
      ['expired', { authorization: `Bearer ${expired.token}` }],
      ['revoked', { authorization: `Bearer ${revoked.token}` }],
      ['unknown session', { cookie: `__Host-appstats_session=${randomBytes(32).toString('base64url')}` }], // next start runs in production
    ];
    for (const { path, method } of paths()) {
      for (const [name, headers] of variants) {
        const answer = await http(path, { method, headers, token: null });
        expect([name, path, answer.status]).toEqual([name, path, 401]);
        expectError(answer, 401, 'UNAUTHORIZED', name === 'missing' ? 'Authentication required' : 'Invalid or expired credentials');
      }
    }
  });

  it('403 for a reader on write paths; 404 identical for an app one cannot read and one that does not exist', async () => {
    for (const { path, method, write } of paths()) {
      const asViewer = await http(path, { method, token: f.viewer.token });
      if (write) expectError(asViewer, 403, 'FORBIDDEN');
      else expect(asViewer.status).toBe(200);
      const hidden = await http(path, { method, token: f.outsider.token });
      expectError(hidden, 404, 'NOT_FOUND', 'App not found');
      for (const missing of [randomUUID(), 'no-such-app', 'x'.repeat(250)]) {
        const answer = await http(path.replace(f.app.id, missing), { method });
        expect([answer.status, answer.text]).toEqual([404, hidden.text]);
      }
    }
  });

  it('405 with Allow for wrong methods; HEAD and OPTIONS behave', async () => {
    for (const { path, method } of paths()) {
      const allow = method === 'GET' ? 'GET, HEAD, OPTIONS' : 'POST, OPTIONS';
      for (const wrong of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => m !== method)) {
        const answer = await http(path, { method: wrong, ...(wrong === 'GET' ? {} : { body: '{}' }) });
        expectError(answer, 405, 'METHOD_NOT_SUPPORTED');
        expect(answer.headers.get('allow')).toBe(allow);
      }
      const options = await http(path, { method: 'OPTIONS', token: null });
      expect([options.status, options.headers.get('allow')]).toEqual([204, allow]);
    }
    const head = await http(`/api/apps/${f.app.id}/stats`, { method: 'HEAD' });
    expect([head.status, head.text]).toEqual([200, '']);
  });

  it('413 for a body over the limit, counted whatever Content-Length claims', async () => {
    const path = `/api/apps/${f.app.id}/stats/tables/rows/preview`;
    const padded = JSON.stringify({ limit: 1, offset: 0, pad: 'x'.repeat(70 * 1024) });
    expectError(await post(path, padded), 413, 'PAYLOAD_TOO_LARGE');
    // Streamed without any Content-Length and never finished: the bytes are counted as they come,
    // and the answer comes once they pass the limit, not at the end of a body that never ends.
    const open = await rawOpenChunkedRequest(
      f.base,
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${f.owner.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      Array.from({ length: 40 }, () => Buffer.alloc(4096, ' ')),
    );
    expect(open).toMatch(/^HTTP\/1\.1 413 /);
    expect(open).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(open).toContain('65536');
    // Claims a megabyte, sends a few bytes: refused on the claim, no waiting for the rest.
    const claimed = await rawRequest(
      f.base,
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${f.owner.token}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n{}`,
    );
    expect(claimed).toMatch(/^HTTP\/1\.1 413 /);
    expect(claimed).toContain('"code":"PAYLOAD_TOO_LARGE"');
    // Claims 5 bytes, sends 100 KB: only the claimed bytes can be a body; the rest is a malformed request, refused.
    const short = await rawRequest(
      f.base,
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${f.owner.token}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"limit":1,"pad":"${'y'.repeat(100 * 1024)}"}`,
    );
    expect(short).toMatch(/^HTTP\/1\.1 400 /);
    expect(short).not.toMatch(/ 200 OK/);
  });

  it('never sends a stack trace or SQL', async () => {
    for (const { path, method } of paths()) {
      for (const token of [f.owner.token, f.outsider.token, null, 'garbage']) {
        const answer = await http(path.replace('rows', 'nope'), { method, token, body: method === 'POST' ? '{"limit":' : undefined });
        expect(answer.text).not.toMatch(/at .*\.(ts|js):\d+|select |stack/i);
      }
    }
  });
});
