import { describe, expect, it } from 'vitest';
import { httpTarget } from '../helpers/http';
import { rawHttp } from '../helpers/http';

// /api paths no route claims answer the REST error shape, not the HTML
// not-found page, for every method; /api/ping is the constant answer the load
// bench measures the framework by.

const { base } = httpTarget('test/http/attack-unknown-paths.test.ts');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const NOT_FOUND = '{"error":{"code":"NOT_FOUND","message":"No such API path"}}';

describe('unknown /api paths', () => {
  it('answer a JSON 404 for every method, whatever the path says', async () => {
    const paths = [
      '/api/nope',
      '/api/apps',
      '/api/apps/x',
      '/api/apps/x/stats/nope',
      '/api/apps/x/stats/tables/t',
      '/api/trpc',
      '/api/trpc/a/b',
      '/api/a%00b',
      '/api/%25',
      `/api/${'x/'.repeat(50)}x`,
      '/api/%C3%BCmlaut',
      '/api/x?y=<script>',
    ];
    for (const path of paths) {
      for (const method of METHODS) {
        const answer = await rawHttp(base, method, path, {
          headers: { 'content-type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        expect([path, method, answer.status, answer.headers['content-type'], answer.text]).toEqual([
          path,
          method,
          404,
          'application/json',
          NOT_FOUND,
        ]);
      }
    }
    const head = await rawHttp(base, 'HEAD', '/api/nope');
    expect([head.status, head.headers['content-type']]).toEqual([404, 'application/json']);
  });

  it('answer /api/ping with a constant, and 405 with Allow for other methods', async () => {
    const ping = await rawHttp(base, 'GET', '/api/ping');
    expect([ping.status, ping.headers['content-type'], ping.text]).toEqual([200, 'application/json', '{"ok":true}']);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const refused = await rawHttp(base, method, '/api/ping', { body: '{}' });
      expect([method, refused.status, refused.headers.allow, JSON.parse(refused.text)]).toEqual([
        method,
        405,
        'GET, HEAD, OPTIONS',
        { error: { code: 'METHOD_NOT_SUPPORTED', message: `${method} is not supported here; use GET` } },
      ]);
    }
  });
});
