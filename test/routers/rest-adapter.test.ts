import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../server/embedded/postgres';
import { createLogger, logger } from '../../server/log';
import { restRoute } from '../../server/rest/route';

// The REST adapter in-process, where a real server cannot show it: the
// database unreachable (503 + Retry-After) and an unexpected failure (500, the
// cause logged through the service's pino logger and never sent). The server's shared
// database points at a port nothing listens on.

process.env.DATABASE_URL = `postgres://nobody@127.0.0.1:${await freePort()}/nothing`;

const context = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const token = `ast_${randomBytes(32).toString('base64url')}`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('REST adapter', () => {
  it('answers 503 JSON with Retry-After when the database cannot be reached', async () => {
    const { GET } = await import('../../app/api/apps/[id]/stats/route');
    const response = await GET(
      new Request(`http://localhost/api/apps/${randomUUID()}/stats`, { headers: { authorization: `Bearer ${token}` } }),
      context({ id: randomUUID() }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: 'The database cannot be reached; try again shortly' },
    });
  });

  it('answers 500 with a generic message and logs the cause through the service logger', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const memory = createLogger(sink, { level: 'info' });
    vi.spyOn(logger, 'child').mockImplementation((bindings) => memory.child(bindings));
    const route = restRoute({
      method: 'GET',
      params: ['id'],
      handle: async () => {
        throw new Error('select secret from other_app where password = 42');
      },
    });
    const response = await route.GET(new Request('http://localhost/api/x'), context({ id: 'x' }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    expect(text).not.toContain('secret');
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0] ?? '') as { level: number; code: string; err: { message: string } };
    expect(logged).toMatchObject({
      level: 50,
      code: 'INTERNAL_SERVER_ERROR',
      err: { message: 'select secret from other_app where password = 42' },
    });
  });

  it('passes a parsed body and a success status to the handler; 413 and 400 come before it runs', async () => {
    const { z } = await import('zod');
    let calls = 0;
    const route = restRoute({
      method: 'POST',
      params: ['id'],
      body: z.strictObject({ items: z.array(z.object({ n: z.number() })) }),
      maxBodyBytes: 100,
      status: 202,
      handle: async ({ body, params }) => {
        calls++;
        return { accepted: body.items.length, id: params.id };
      },
    });
    const request = (body: string) => new Request('http://localhost/x', { method: 'POST', body });
    const ok = await route.POST(request('{"items":[{"n":1},{"n":2}]}'), context({ id: 'a' }));
    expect([ok.status, await ok.json()]).toEqual([202, { accepted: 2, id: 'a' }]);
    const bad = await route.POST(request('{"items":[{"n":1},{"n":"2"}]}'), context({ id: 'a' }));
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: { code: 'BAD_REQUEST', message: 'items[1].n: Invalid input: expected number, received string' } },
    ]);
    const empty = await route.POST(request(''), context({ id: 'a' }));
    expect([empty.status, await empty.json()]).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'body: required' } }]);
    const large = await route.POST(request(`{"items":[${'{"n":1},'.repeat(20)}{"n":1}]}`), context({ id: 'a' }));
    expect(large.status).toBe(413);
    expect(calls).toBe(1);
    const wrong = await route.GET(new Request('http://localhost/x'), context({ id: 'a' }));
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST, OPTIONS']);
  });
});
