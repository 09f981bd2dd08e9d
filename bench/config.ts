/** How big a benchmark run is: the full one for RESULTS.md, or a tiny one that only proves the code runs. */
export interface BenchConfig {
  name: 'full' | 'small';
  /** View events (and as many invocations) loaded for one app per /stats row. */
  statsScales: number[];
  /** Days the loaded events are spread over, ending now. */
  spreadDays: number;
  /** Rows of the bulk COPY. */
  copyRows: number;
  /** Seconds each concurrent-writers run lasts. */
  writerSeconds: number;
  writers: number;
  /** Rows of the big workspace table that is previewed, and tables of the wide schema. */
  previewRows: number;
  schemaTables: number;
  /** Upper bounds per measured figure: samples, and seconds spent sampling. */
  samples: { fast: number; slow: number; seconds: number };
  /** Seconds the whole run may spend loading data before the largest scales are skipped. */
  loadBudgetSeconds: number;
  /** Whether to build and serve the app for the HTTP rows (ingestion, load run). */
  http: boolean;
  /** The HTTP load run: seconds per path and server, and concurrent connections. */
  httpLoadSeconds: number;
  httpConnections: number;
  /** Requests of each kind whose statements are counted (pg_stat_statements). */
  statementRequests: number;
}

export const FULL: BenchConfig = {
  name: 'full',
  statsScales: [1e5, 1e6, 1e7],
  spreadDays: 90,
  copyRows: 1e6,
  writerSeconds: 4,
  writers: 16,
  previewRows: 1e7,
  schemaTables: 200,
  samples: { fast: 300, slow: 40, seconds: 15 },
  loadBudgetSeconds: 1200,
  http: true,
  httpLoadSeconds: 15,
  httpConnections: 50,
  statementRequests: 100,
};

export const SMALL: BenchConfig = {
  name: 'small',
  statsScales: [1e2, 1e3, 1e4],
  spreadDays: 90,
  copyRows: 1e4,
  writerSeconds: 0.3,
  writers: 16,
  previewRows: 1e4,
  schemaTables: 20,
  samples: { fast: 20, slow: 5, seconds: 2 },
  loadBudgetSeconds: 120,
  http: false,
  httpLoadSeconds: 2,
  httpConnections: 50,
  statementRequests: 20,
};

/** FULL, or SMALL when BENCH_SCALE=small; BENCH_HTTP=1 adds the HTTP part (a build and short load runs) to SMALL. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): BenchConfig {
  if (env.BENCH_SCALE !== 'small') return FULL;
  return env.BENCH_HTTP === '1' ? { ...SMALL, http: true } : SMALL;
}

/** 10^7 → "10^7", 30000 → "3·10^4". */
export function power(n: number): string {
  const exponent = Math.floor(Math.log10(n));
  const mantissa = n / 10 ** exponent;
  return mantissa === 1 ? `10^${exponent}` : `${mantissa}·10^${exponent}`;
}
