import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL, configFromEnv } from '../../bench/config';
import type { HttpLoadRow } from '../../bench/http-load';
import { loadRows, statementRows } from '../../bench/http-rows';
import { formatTable, renderResults } from '../../bench/report';
import type { RequestCost } from '../../bench/statements';
import { runBench } from '../../bench/run';
import { dropDatabase } from '../../scripts/test-env';
import { ensureDatabase } from '../../server/embedded/postgres';

// `npm run bench` at BENCH_SCALE=small through the very same code, so the
// benchmark cannot rot. Nothing here is about speed: only that every row is there.
// The HTTP part needs a build (test/http/bench-http-load.test.ts runs its load
// and bare handler); its rows are checked here on figures made up for the purpose.

const adminUrl = process.env.TEST_ADMIN_URL ?? '';
const name = `t_bench_${randomBytes(4).toString('hex')}`;

afterAll(() => dropDatabase(adminUrl, name));

describe('benchmark (small)', () => {
  it('runs every measurement and renders one table with every row', async () => {
    const url = await ensureDatabase(adminUrl, name);
    const result = await runBench(url, SMALL, () => undefined);
    expect(result.rows.map((row) => row.measurement)).toEqual([
      '/stats p50, 10^2 events',
      '/stats p99, 10^2 events',
      '/stats p50, 10^3 events',
      '/stats p99, 10^3 events',
      '/stats p50, 10^4 events',
      '/stats p99, 10^4 events',
      '/stats p50, 10^4 vs 10^2',
      '/stats p99, 10^4 vs 10^2',
      '/stats/range 30 days by day, UTC p50, 10^4 events',
      '/stats/range 30 days by day, UTC p50, 10^4 vs 10^2',
      '/stats/range 2 days by hour, UTC p50, 10^4 events',
      '/stats/range 2 days by hour, UTC p50, 10^4 vs 10^2',
      '/stats/range 365 days by day, UTC p50, 10^4 events',
      '/stats/range 365 days by day, UTC p50, 10^4 vs 10^2',
      '/stats/range 30 days by day, Asia/Kathmandu p50, 10^4 events',
      '/stats/range 30 days by day, Asia/Kathmandu p50, 10^4 vs 10^2',
      '/stats/range 2 days by hour, Asia/Kathmandu p50, 10^4 events',
      '/stats/range 2 days by hour, Asia/Kathmandu p50, 10^4 vs 10^2',
      '/stats/range 365 days by day, Asia/Kathmandu p50, 10^4 events',
      '/stats/range 365 days by day, Asia/Kathmandu p50, 10^4 vs 10^2',
      '/stats/routes 30 days, sort=calls, 2000 routes p50, 10^4 events',
      '/stats/routes 30 days, sort=calls, 2000 routes p50, 10^4 vs 10^2',
      '/stats/routes 30 days, sort=p95DurationMs, 2000 routes p50, 10^4 events',
      '/stats/routes 30 days, sort=p95DurationMs, 2000 routes p50, 10^4 vs 10^2',
      '/stats/errors 30 days p50, 10^4 invocations',
      expect.stringMatching(/^\/stats\/invocations page \d+ \(user=anonymous\) p50, 10\^4 invocations$/),
      'disk per 10^7 events (views and invocations), raw rows with indexes',
      'retention:apply, every month before last (views and invocations)',
      'COPY 10^4 view_events',
      'COPY 10^4 route_invocations',
      '16 single-row writers, view_events',
      '16 single-row writers, route_invocations',
      'preview page 1, 10^4 rows',
      'preview offset 10^4 − 100, 10^4 rows',
      '/stats/tables, 20 tables',
    ]);
    for (const row of result.rows) {
      expect(row.value, row.measurement).toMatch(/^\d[\d,.]* (ms|rows\/s|MiB)$/);
      expect(row.reference, row.measurement).toMatch(/^\d[\d,.]* (ms|rows\/s|MiB) /);
      expect(row.ratio, row.measurement).toMatch(/^\d/);
    }
    const table = formatTable(result.rows);
    expect(table.split('\n')).toHaveLength(result.rows.length + 2);
    const markdown = renderResults({ ...result, config: 'small', date: new Date(), notes: result.notes });
    expect(markdown).toContain(result.machine.postgres);
    expect(markdown).toContain(table);
  }, 180_000);
});

const load = (path: string, requestsPerSec: number, p99: number, non2xx = 0): HttpLoadRow => ({
  path,
  requestsPerSec,
  p50: p99 / 2,
  p99,
  errors: 0,
  non2xx,
  ratioToPing: 0,
});

const cost = (label: string, statements: number, rowsWritten?: number): RequestCost => ({
  label,
  requests: 10,
  statements,
  reader: 1,
  resets: 2,
  budgetReports: 0,
  byStatement: [{ query: 'select 1', perRequest: statements, reader: false }],
  ...(rowsWritten === undefined ? {} : { rowsWritten, writtenTables: rowsWritten ? [['public.rate_limits', rowsWritten]] : [] }),
});

describe('benchmark HTTP rows', () => {
  it('holds each path to ping (share and p99) beside the bare handler, and single events to the bare handler', () => {
    const ping = load('GET /api/ping', 1000, 50);
    const rows = loadRows(
      [
        { ours: load('GET /stats', 700, 90), bare: load('GET /stats', 900, 60) },
        { ours: load('POST /views', 300, 200, 3), bare: load('POST /views', 800, 70) },
      ],
      ping,
      50,
    );
    expect(rows.map((row) => [row.measurement, row.met])).toEqual([
      ['load GET /stats, 50 conn.', true],
      ['load POST /views, 50 conn.', false],
      ['POST /views, batches of 1, 50 conn.', false],
    ]);
    expect(rows[1]?.missed).toMatch(
      /^3 errors or non-2xx answers; throughput 30 % of ping's \(30 points short\); p99 4\.00× ping's \(100 % over\)\./,
    );
    expect(rows[2]?.ratio).toBe('38 %');
  });

  it('holds statements per request and rows written per read to their goals', () => {
    const rows = statementRows({
      stats: cost('GET /stats', 3, 0),
      bareStats: cost('bare', 2),
      page: cost('page', 7, 1),
      write: cost('POST /views', 4, 3),
    });
    expect(rows.map((row) => [row.measurement, row.value, row.met])).toEqual([
      ['statements per GET /stats (token)', '3.00 statements', true],
      ['statements per page render /apps/{id} (session)', '7.00 statements', false],
      ['rows written per read (GET /stats, page render)', '0.00, 1.00 rows', false],
    ]);
    expect(rows[2]?.missed).toContain('public.rate_limits 1.00 per page');
  });

  it('adds the HTTP part to the small run only when asked', () => {
    expect(configFromEnv({ BENCH_SCALE: 'small' }).http).toBe(false);
    expect(configFromEnv({ BENCH_SCALE: 'small', BENCH_HTTP: '1' }).http).toBe(true);
    expect(configFromEnv({}).name).toBe('full');
  });
});
