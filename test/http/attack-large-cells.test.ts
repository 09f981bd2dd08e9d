import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREVIEW_BYTES } from '../../server/queries/preview/fit';
import { MAX_CELL_BYTES, cutCellMarker } from '../../server/queries/preview/page-sql';
import { callerFor } from '../helpers/fixtures';
import { useRestFixture } from '../helpers/rest-fixture';
import { rawHttp } from '../helpers/http';

// Cells of 10 MB: cut in SQL (server/queries/preview/page-sql.ts) to MAX_CELL_BYTES
// of their printed text plus a marker, or further where the page would pass
// 1 MiB (preview/fit.ts), so they never cross the wire whole.

const f = useRestFixture('test/http/attack-large-cells.test.ts');
const base = f.base;
const TEN_MB = 10 * 1024 * 1024;

const t = (name: string) => sql.id(f.schema, name);

beforeAll(async () => {
  const db = f.database.db;
  await sql`create table ${t('huge')} (id int primary key, body text, blob bytea, note varchar(20))`.execute(db);
  await sql`insert into ${t('huge')} values (1, repeat('a', ${TEN_MB}), decode(repeat('ab', ${TEN_MB}), 'hex'), 'small')`.execute(db);
  // Copies keep the first row's compressed values: 100 rows of 10 MB cells in seconds.
  await sql`insert into ${t('huge')} select g, h.body, h.blob, h.note from ${t('huge')} h, generate_series(2, 100) g`.execute(db);
  await sql`create table ${t('docs')} (id int primary key, doc jsonb, numbers int[], party text, j json)`.execute(db);
  await sql`insert into ${t('docs')} values (1, jsonb_build_object('k', repeat('b', ${TEN_MB})),
    array(select generate_series(1, 1000000)), repeat('🎉', 100000), json_build_object('k', repeat('c', 100000)))`.execute(db);
});

describe('large cells', () => {
  it('keep a page of 100 rows with two 10 MB cells each within 1 MiB, over HTTP, cut alike and said so', async () => {
    const answer = await rawHttp(base, 'POST', `/api/apps/${f.app.id}/stats/tables/huge/preview`, {
      headers: { authorization: `Bearer ${f.owner.token}`, 'content-type': 'application/json' },
      body: '{"limit":100}',
    });
    expect(answer.status).toBe(200);
    expect(answer.bytes).toBeLessThanOrEqual(MAX_PREVIEW_BYTES);
    const page = JSON.parse(answer.text) as {
      rows: Array<Record<string, unknown>>;
      rowCount: number;
      cellsCut: number;
      cellCutBytes: number;
    };
    expect(page.rowCount).toBe(100);
    expect(page.cellsCut).toBe(200);
    const cut = page.cellCutBytes;
    expect(cut).toBeGreaterThan(1000);
    expect(cut).toBeLessThan(MAX_CELL_BYTES);
    for (const row of page.rows) {
      expect(row.body).toBe('a'.repeat(cut) + cutCellMarker(TEN_MB));
      expect(row.blob).toBe(`\\x${'ab'.repeat(Math.floor((cut - 2) / 2))}${cutCellMarker(2 * TEN_MB + 2)}`);
      expect(row.note).toBe('small');
    }
  });

  it('cut jsonb, arrays and json too, and multibyte text on a character boundary', async () => {
    const db = f.database.db;
    const sizes = await sql<{
      numbers: number;
      j: number;
    }>`select octet_length(numbers::text)::int as numbers, octet_length(j::text)::int as j from ${t('docs')}`.execute(db);
    const page = await (await callerFor(db, f.owner)).stats.preview({ appId: f.app.id, table: 'docs' });
    const row = page.rows[0] as Record<string, string>;
    expect(row.id).toBe(1);
    expect(row.doc?.startsWith('{"k": "bbbb')).toBe(true);
    expect(row.doc?.endsWith(cutCellMarker(TEN_MB + 9))).toBe(true);
    expect(row.numbers?.startsWith('{1,2,3,')).toBe(true);
    expect(row.numbers?.endsWith(cutCellMarker(sizes.rows[0]?.numbers ?? 0))).toBe(true);
    expect(row.party).toBe('🎉'.repeat(MAX_CELL_BYTES / 4) + cutCellMarker(400_000));
    expect(row.j?.endsWith(cutCellMarker(sizes.rows[0]?.j ?? 0))).toBe(true);
    for (const key of ['doc', 'numbers', 'party', 'j']) {
      const head = String(row[key]).replace(/…\[truncated: \d+ bytes\]$/, '');
      expect(Buffer.byteLength(head), key).toBeLessThanOrEqual(MAX_CELL_BYTES);
      expect(head.includes('\uFFFD'), key).toBe(false);
    }
    // A cell at the limit itself is whole, and keeps its type.
    await sql`update ${t('docs')} set numbers = '{7}', party = repeat('x', ${MAX_CELL_BYTES}), doc = '{"a": 1}'`.execute(db);
    const whole = (await (await callerFor(db, f.owner)).stats.preview({ appId: f.app.id, table: 'docs' })).rows[0] as Record<
      string,
      unknown
    >;
    expect(whole).toMatchObject({ numbers: [7], party: 'x'.repeat(MAX_CELL_BYTES), doc: { a: 1 } });
  });
});
