import os from 'node:os';

/** One line of the results table: a figure beside its reference measured in the same run. */
export interface BenchRow {
  measurement: string;
  value: string;
  reference: string;
  ratio: string;
  goal: string;
  /** Whether the goal was met; undefined for rows without a goal. */
  met?: boolean;
  /** How far the figure is from its goal, and why, when the goal is missed. */
  missed?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function perSecond(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} rows/s`;
}

/** A read against a slower reference: the ratio is how many times faster it is. */
export function fasterRow(
  measurement: string,
  value: number,
  reference: number,
  referenceName: string,
  goal?: { atLeast: number; why: string },
): BenchRow {
  const ratio = reference / value;
  const met = goal ? ratio >= goal.atLeast : undefined;
  return {
    measurement,
    value: ms(value),
    reference: `${ms(reference)} ${referenceName}`,
    ratio: `${ratio.toFixed(ratio < 10 ? 2 : 0)}× faster`,
    goal: goal ? `≥ ${goal.atLeast}× faster` : '',
    met,
    ...(goal && !met
      ? { missed: `${ratio.toFixed(1)}× instead of ${goal.atLeast}× (${(goal.atLeast / ratio).toFixed(1)}× short): ${goal.why}` }
      : {}),
  };
}

/**
 * A cost against a cheaper reference: the ratio is how many times the reference
 * it takes; the goal is at most `atMost` times the reference, plus `plusMs` if given.
 */
export function costRow(
  measurement: string,
  value: number,
  reference: number,
  referenceName: string,
  goal: { atMost: number; plusMs?: number; why: string },
): BenchRow {
  const ratio = value / reference;
  const limit = goal.atMost * reference + (goal.plusMs ?? 0);
  const met = value <= limit;
  const over = goal.plusMs
    ? `${ms(value)} instead of ≤ ${ms(limit)} (${goal.atMost} × ${ms(reference)} + ${goal.plusMs} ms), ${ms(value - limit)} over`
    : `${ratio.toFixed(2)}× instead of ≤ ${goal.atMost}× (${((ratio / goal.atMost - 1) * 100).toFixed(0)} % over)`;
  return {
    measurement,
    value: ms(value),
    reference: `${ms(reference)} ${referenceName}`,
    ratio: `${ratio.toFixed(2)}×`,
    goal: goal.plusMs ? `≤ ${goal.atMost}× + ${goal.plusMs} ms` : `≤ ${goal.atMost}×`,
    met,
    ...(met ? {} : { missed: `${over}: ${goal.why}` }),
  };
}

/** Why a throughput falls short, from the two rates: the time one row took each way, and what the goal allows. */
export function perRowWhy(value: number, reference: number, atLeast: number, what: string): string {
  const us = (rate: number) => 1e6 / rate;
  const extra = us(value) - us(reference);
  const allowed = us(reference) / atLeast - us(reference);
  return `a row took ${us(value).toFixed(1)} µs of the run's time, ${us(reference).toFixed(1)} µs without: ${what} adds ${extra.toFixed(1)} µs per row where the goal allows ${allowed.toFixed(1)} µs.`;
}

/** A throughput against the same work without rollups: the ratio is the share kept. */
export function throughputRow(
  measurement: string,
  value: number,
  reference: number,
  referenceName: string,
  goal: { atLeast: number; why: string },
): BenchRow {
  const ratio = value / reference;
  const met = ratio >= goal.atLeast;
  return {
    measurement,
    value: perSecond(value),
    reference: `${perSecond(reference)} ${referenceName}`,
    ratio: `${(ratio * 100).toFixed(0)} %`,
    goal: `≥ ${(goal.atLeast * 100).toFixed(0)} %`,
    met,
    ...(met
      ? {}
      : {
          missed: `${(ratio * 100).toFixed(0)} % instead of ${(goal.atLeast * 100).toFixed(0)} % (${((goal.atLeast - ratio) * 100).toFixed(0)} points short): ${goal.why}`,
        }),
  };
}

const COLUMNS: Array<[keyof BenchRow, string]> = [
  ['measurement', 'measurement'],
  ['value', 'figure'],
  ['reference', 'reference (same run)'],
  ['ratio', 'ratio'],
  ['goal', 'goal'],
];

/** The one table, in Markdown, which reads as well in a terminal. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((row) => [
    ...COLUMNS.map(([key]) => String(row[key] ?? '')),
    row.met === undefined ? '' : row.met ? 'met' : 'MISSED',
  ]);
  const header = [...COLUMNS.map(([, title]) => title), ''];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The machine the run happened on. */
export function describeMachine(postgresVersion: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: postgresVersion,
  };
}

const MEASURED = [
  '/stats: the three figure functions behind GET /stats and /stats/api (views, API summary, 30 daily rows), called at once as the procedures do, ' +
    'from the rollups (server/queries/stats/read.ts) and from the raw rows (test/oracle/stats-raw.ts), for one app among all the loaded ones. ' +
    'Events are spread over the last 90 days and written through 16 connections, so every day carries up to 16 counter slots, the worst case of the read. ' +
    'Rollup samples of all scales are taken in turn, so a busy moment of the machine hits every scale alike.',
  'COPY: the same rows into view_events / route_invocations (partitioned by month, rollup triggers on) and into twin tables with the same columns and indexes, neither partitioned nor triggered, both empty; best of two rounds.',
  'Writers: 16 connections inserting one row per statement (autocommit, prepared) into one app for a few seconds; best of two rounds.',
  'Preview and /stats/tables: p50 of the query functions behind them against the bare query named beside them.',
  'Load: each REST path under autocannon on `next start`, beside GET /api/ping on the same server (the framework’s constant answer) and beside the bare handler ' +
    '(bench/bare-server.ts: node:http and pg, one statement for token, app and membership, then the same query functions and the same JSON), path by path. ' +
    'The ingestion paths get one event per request: their throughput against the bare handler’s is also the batches-of-1 row.',
  'Batches of 1000: POST /views and /invocations one request after another, against the INSERT the procedures run (server/queries/ingest.ts) of the same rows, direct.',
  'Statements per request: counted by pg_stat_statements, rows written by pg_stat_user_tables; see the notes for each kind, statement by statement.',
];

/** RESULTS.md: when, where, the table, and what each missed goal lacks and why. */
export function renderResults(input: { rows: BenchRow[]; machine: Machine; config: string; notes: string[]; date: Date }): string {
  const { machine } = input;
  const missed = input.rows.filter((row) => row.met === false);
  return [
    '# appstats benchmark results',
    '',
    `Written by \`npm run bench\` (${input.config} run) on ${input.date.toISOString()}.`,
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; ${machine.os}`,
    `- Node ${machine.node}; ${machine.postgres}`,
    '- Throwaway embedded PostgreSQL on loopback (fsync, synchronous_commit and full_page_writes off), client and server sharing the machine.',
    '',
    formatTable(input.rows),
    '',
    '## What is measured',
    '',
    ...MEASURED.map((line) => `- ${line}`),
    '',
    '## Goals missed',
    '',
    ...(missed.length ? missed.map((row) => `- **${row.measurement}**: ${row.missed ?? ''}`) : ['None.']),
    '',
    'The profiles behind these reasons (the rollup trigger piece by piece, a REST read and an ingestion batch in one process) are in bench/PROFILE.md.',
    '',
    '## Notes',
    '',
    ...input.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
