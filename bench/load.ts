import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

// Synthetic events for one app: views with one anonymous viewer in five,
// invocations over 2,000 routes with errors, 5xx statuses and memory figures,
// spread evenly over `days` days ending at `now`.

const VIEWER = (i: string, viewers: number) =>
  `case when ${i} % 5 = 0 then null else ('0000000c-0000-4000-8000-' || lpad((${i} % ${viewers})::text, 12, '0'))::uuid end`;

function viewsSql(viewers: number): string {
  return `insert into view_events (app_id, viewer_id, viewed_at)
    select $1::uuid, ${VIEWER('i', viewers)}, $2::timestamptz - (i::float8 / $3) * ($4 * interval '1 day')
    from generate_series($5::bigint, $6::bigint) i`;
}

/** Distinct routes of the loaded invocations: `/api/r<n>/items/<id>` normalises to `/api/r<n>/items/:id`. */
export const ROUTES = 2000;

const INVOCATIONS_SQL = `insert into route_invocations
    (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
  select $1::uuid, 'GET', '/api/r' || (i % ${ROUTES}) || '/items/' || i, null, $2::timestamptz - (i::float8 / $3) * ($4 * interval '1 day'),
         (i * 7 % 3000)::int, case when i % 50 = 0 then 503 else 200 end,
         case when i % 10 = 0 then null else (i * 13 % 1000) * 1000000 end, case when i % 97 = 0 then 'boom' end
  from generate_series($5::bigint, $6::bigint) i`;

/**
 * Loads `total` view events and `total` invocations for `appId` with
 * INSERT … SELECT in chunks, each through its own connection so the rollups'
 * counter slots fill as they would under many writers; two chunks at a time.
 */
export async function loadEvents(
  pool: pg.Pool,
  appId: string,
  total: number,
  options: { days: number; now: Date; connections: number },
): Promise<void> {
  const chunk = Math.ceil(total / options.connections);
  const viewers = Math.max(10, Math.min(100_000, Math.floor(total / 10)));
  const jobs = Array.from({ length: options.connections }, (_, c) => [c * chunk + 1, Math.min(total, (c + 1) * chunk)] as const).filter(
    ([from, to]) => from <= to,
  );
  const clients = await Promise.all(jobs.map(() => pool.connect()));
  try {
    let next = 0;
    const worker = async () => {
      for (let job = next++; job < jobs.length; job = next++) {
        const [from, to] = jobs[job] ?? [0, -1];
        const client = clients[job];
        const params = [appId, options.now, total, options.days, from, to];
        await client?.query(viewsSql(viewers), params);
        await client?.query(INVOCATIONS_SQL, params);
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    for (const client of clients) client.release();
  }
}

/** COPY text (tab-separated) of `rows` view events for `appId`. */
export function viewsCopyText(appId: string, rows: number, now: Date): string {
  const lines: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const viewer = i % 5 === 0 ? '\\N' : `0000000d-0000-4000-8000-${String(i % 20_000).padStart(12, '0')}`;
    lines.push(`${appId}\t${viewer}\t${new Date(now.getTime() - i * 2_000).toISOString()}\n`);
  }
  return lines.join('');
}

/** COPY text of `rows` invocations for `appId`. */
export function invocationsCopyText(appId: string, rows: number, now: Date): string {
  const lines: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const memory = i % 10 === 0 ? '\\N' : String(((i * 13) % 1000) * 1_000_000);
    const status = i % 50 === 0 ? 503 : 200;
    lines.push(
      `${appId}\tGET\t/api/r${i % ROUTES}/items/${i}\t\\N\t${new Date(now.getTime() - i * 2_000).toISOString()}\t${(i * 7) % 3000}\t${status}\t${memory}\t${i % 97 === 0 ? 'boom' : '\\N'}\n`,
    );
  }
  return lines.join('');
}

export const VIEW_COLUMNS = '(app_id, viewer_id, viewed_at)';
export const INVOCATION_COLUMNS = '(app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)';

/** COPY `text` into `table` through one connection of `pool`. */
export async function copyInto(pool: pg.Pool, table: string, columns: string, text: string): Promise<void> {
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(chunks(text)), client.query(copyFrom(`copy ${table} ${columns} from stdin`)));
  } finally {
    client.release();
  }
}

function* chunks(text: string, size = 1 << 20): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
