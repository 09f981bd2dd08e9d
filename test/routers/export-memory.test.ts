import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET } from '../../app/api/apps/[id]/stats/tables/[table]/export/route';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { drain, heapMeter } from '../helpers/heap';

// A 10⁶-row workspace table exports in full through the REST route (the
// server's code, in this process) while the live heap grows by less than
// 50 MB: the table is read a chunk at a time, each written before the next is read.

const database = useTestDatabase();
let owner: TestUser;
let app: TestApp;
const ROWS = 1_000_000;

beforeAll(async () => {
  const db = database.current.db;
  vi.stubEnv('DATABASE_URL', database.current.url);
  owner = await makeUser(db);
  app = await makeApp(db, owner, { workspace: true });
  const t = sql.id(app.workspaceSchema as string, 'orders');
  await sql`create table ${t} (id bigint primary key, customer text not null, amount numeric(12, 2), placed_at timestamptz not null, paid bool)`.execute(
    db,
  );
  await sql`insert into ${t} select i, 'customer ' || (i % 5000), (i % 10000) / 100.0, timestamptz '2024-01-01' + i * interval '1 second', i % 3 = 0
    from generate_series(1, ${ROWS}) i`.execute(db);
  await sql`vacuum analyze ${t}`.execute(db);
}, 120_000);

afterAll(() => {
  vi.unstubAllEnvs();
});

async function download(format: 'csv' | 'ndjson') {
  const request = new Request(`http://localhost/api/apps/${app.naturalId}/stats/tables/orders/export?format=${format}`, {
    headers: { authorization: `Bearer ${owner.token}` },
  });
  return GET(request, { params: Promise.resolve({ id: app.naturalId, table: 'orders' }) });
}

describe('a 10⁶-row export', () => {
  for (const format of ['csv', 'ndjson'] as const) {
    it(`streams every row as ${format} with the heap growing by less than 50 MB`, async () => {
      const meter = heapMeter();
      const response = await download(format);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="${app.naturalId}-orders.${format}"; filename*=UTF-8''${app.naturalId}-orders.${format}`,
      );
      const started = Date.now();
      const { bytes, lines } = await drain(response.body as ReadableStream<Uint8Array>, meter);
      const seconds = (Date.now() - started) / 1000;
      expect(lines).toBe(format === 'csv' ? ROWS + 1 : ROWS);
      expect(bytes).toBeGreaterThan(ROWS * 40);
      expect(meter.growth()).toBeLessThan(50 * 1024 * 1024);
      console.log(
        `${format}: ${ROWS} rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s, heap growth ${(meter.growth() / 1e6).toFixed(1)} MB`,
      );
    }, 120_000);
  }
});
