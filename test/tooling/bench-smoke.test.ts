import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL } from '../../bench/config';
import { formatTable, renderResults } from '../../bench/report';
import { runBench } from '../../bench/run';
import { dropDatabase } from '../../scripts/test-env';
import { ensureDatabase } from '../../server/embedded/postgres';

// `npm run bench` at BENCH_SCALE=small through the very same code, so the
// benchmark cannot rot. Nothing here is about speed: only that every row is there.

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
      'COPY 10^4 view_events',
      'COPY 10^4 route_invocations',
      '16 single-row writers, view_events',
      '16 single-row writers, route_invocations',
      'preview page 1, 10^4 rows',
      'preview offset 10^4 − 100, 10^4 rows',
      '/stats/tables, 20 tables',
    ]);
    for (const row of result.rows) {
      expect(row.value, row.measurement).toMatch(/^\d[\d,.]* (ms|rows\/s)$/);
      expect(row.reference, row.measurement).toMatch(/^\d[\d,.]* (ms|rows\/s) /);
      expect(row.ratio, row.measurement).toMatch(/^\d/);
    }
    const table = formatTable(result.rows);
    expect(table.split('\n')).toHaveLength(result.rows.length + 2);
    const markdown = renderResults({ ...result, config: 'small', date: new Date(), notes: result.notes });
    expect(markdown).toContain(result.machine.postgres);
    expect(markdown).toContain(table);
  }, 180_000);
});
