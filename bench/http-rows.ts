import type { HttpLoadRow } from './http-load';
import { type BenchRow, ms, throughputRow } from './report';
import { type RequestCost, describeStatements } from './statements';

// The HTTP rows of the table (issue 13): each REST path under load beside
// GET /api/ping and the bare handler of the same run, single events beside
// the bare handler, and statements per request beside their goals. Every
// reason a goal gives for being missed is computed from the run's own figures.

const PING_SHARE = 0.6;
const PING_P99 = 2;
const BARE_SHARE = 0.5;

const rps = (row: HttpLoadRow) => `${Math.round(row.requestsPerSec).toLocaleString('en-US')} req/s`;
const failures = (row: HttpLoadRow) => row.errors + row.non2xx;
const percent = (share: number) => `${(share * 100).toFixed(0)} %`;
/** Milliseconds of the whole machine one request takes at saturation: 1 / throughput. */
const costMs = (row: HttpLoadRow) => 1000 / Math.max(row.requestsPerSec, 1e-9);

/** A path under load, one server's figures beside the other two's. */
export interface LoadPair {
  ours: HttpLoadRow;
  bare: HttpLoadRow;
}

function loadRow(pair: LoadPair, ping: HttpLoadRow, connections: number): BenchRow {
  const { ours, bare } = pair;
  const share = ours.requestsPerSec / ping.requestsPerSec;
  const tail = ours.p99 / Math.max(ping.p99, 1e-9);
  const short = [
    ...(failures(ours) > 0 ? [`${failures(ours)} errors or non-2xx answers`] : []),
    ...(share < PING_SHARE ? [`throughput ${percent(share)} of ping's (${((PING_SHARE - share) * 100).toFixed(0)} points short)`] : []),
    ...(tail > PING_P99 ? [`p99 ${tail.toFixed(2)}× ping's (${((tail / PING_P99 - 1) * 100).toFixed(0)} % over)`] : []),
  ];
  const bareFailures = failures(bare) > 0 ? ` (${failures(bare)} errors)` : '';
  return {
    measurement: `load ${ours.path}, ${connections} conn.`,
    value: `${rps(ours)}, p99 ${ms(ours.p99)}, ${failures(ours)} errors`,
    reference: `ping ${rps(ping)}, p99 ${ms(ping.p99)}; bare ${rps(bare)}, p99 ${ms(bare.p99)}${bareFailures}`,
    ratio: `${percent(share)}, p99 ${tail.toFixed(2)}× of ping; ${percent(ours.requestsPerSec / bare.requestsPerSec)} of bare`,
    goal: `0 errors, ≥ ${percent(PING_SHARE)} of ping, p99 ≤ ${PING_P99}×`,
    met: short.length === 0,
    ...(short.length === 0
      ? {}
      : {
          missed:
            `${short.join('; ')}. At saturation one request takes ${costMs(ours).toFixed(2)} ms of the machine (1 / throughput), ` +
            `ping ${costMs(ping).toFixed(2)} ms and the bare handler, with the same queries and no framework, ${costMs(bare).toFixed(2)} ms: ` +
            `${(costMs(ours) - costMs(bare)).toFixed(2)} ms per request go to what ours does beyond those queries; the goal allows ${(costMs(ping) / PING_SHARE).toFixed(2)} ms in all.`,
        }),
  };
}

function singleEventRow(pair: LoadPair, connections: number): BenchRow {
  const { ours, bare } = pair;
  const extra = costMs(ours) - costMs(bare);
  return throughputRow(
    `${ours.path}, batches of 1, ${connections} conn.`,
    ours.requestsPerSec,
    bare.requestsPerSec,
    'bare handler, same concurrency',
    {
      atLeast: BARE_SHARE,
      why:
        `one event per request costs ${costMs(ours).toFixed(2)} ms of the machine against the bare handler's ${costMs(bare).toFixed(2)} ms ` +
        `(its one token query and one INSERT): ${extra.toFixed(2)} ms more, where the goal allows ${costMs(bare).toFixed(2)} ms more.`,
    },
  );
}

/** The load rows, one per path, then the single-event rows of the two ingestion paths. */
export function loadRows(pairs: LoadPair[], ping: HttpLoadRow, connections: number): BenchRow[] {
  const ingest = pairs.filter((pair) => pair.ours.path === 'POST /views' || pair.ours.path === 'POST /invocations');
  return [...pairs.map((pair) => loadRow(pair, ping, connections)), ...ingest.map((pair) => singleEventRow(pair, connections))];
}

function statementRow(measurement: string, cost: RequestCost, reference: RequestCost, referenceName: string, atMost: number): BenchRow {
  const met = cost.statements <= atMost;
  return {
    measurement,
    value: `${cost.statements.toFixed(2)} statements`,
    reference: `${reference.statements.toFixed(2)} statements ${referenceName}`,
    ratio: `${(cost.statements / Math.max(reference.statements, 1e-9)).toFixed(2)}×`,
    goal: `≤ ${atMost}`,
    met,
    ...(met
      ? {}
      : {
          missed:
            `${cost.statements.toFixed(2)} instead of ≤ ${atMost} (${(cost.statements - atMost).toFixed(2)} over), ${cost.reader.toFixed(2)} of them as the workspace reader ` +
            `(resets besides: ${cost.resets.toFixed(2)}, budget reports: ${cost.budgetReports.toFixed(2)}). By statement: ${describeStatements(cost)}.`,
        }),
  };
}

/** What the HTTP part counted: statements of GET /stats and of the overview page, rows written by reads. */
export interface StatementCounts {
  stats: RequestCost;
  bareStats: RequestCost;
  page: RequestCost;
  /** POST /views of one event: a read that writes nothing must stand beside something that does. */
  write: RequestCost;
}

/** Statements per request and rows written per read, beside their goals. */
export function statementRows(counts: StatementCounts): BenchRow[] {
  const reads = [counts.stats, counts.page];
  const written = reads.map((cost) => cost.rowsWritten ?? 0);
  const met = written.every((n) => n === 0);
  const tables = reads.flatMap((cost) => (cost.writtenTables ?? []).map(([table, n]) => `${table} ${n.toFixed(2)} per ${cost.label}`));
  return [
    statementRow('statements per GET /stats (token)', counts.stats, counts.bareStats, 'bare handler', 3),
    statementRow('statements per page render /apps/{id} (session)', counts.page, counts.stats, 'GET /stats (token)', 6),
    {
      measurement: 'rows written per read (GET /stats, page render)',
      value: `${written.map((n) => n.toFixed(2)).join(', ')} rows`,
      reference: `${(counts.write.rowsWritten ?? 0).toFixed(2)} rows per POST /views of 1`,
      ratio: '',
      goal: '0',
      met,
      ...(met ? {} : { missed: `reads wrote rows: ${tables.join('; ')}.` }),
    },
  ];
}
