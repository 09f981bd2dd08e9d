import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../server/db/statement-count';
import { RowSecurityError, previewTable } from '../../server/queries/preview/read';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

// A preview keeps its catalog lookup per table and reads a hash of the catalog
// with every page (server/queries/preview/read.ts): the page is used only when
// the hash still matches, so any change to the table is seen on the next read.

const database = useTestDatabase();
let schema: string;

const read = (table: string) => previewTable(database.current.db, schema, table, { limit: 10, offset: 0 });
const run = (text: string) => sql.raw(text).execute(database.current.db);

beforeAll(async () => {
  const owner = await makeUser(database.current.db);
  const app = await makeApp(database.current.db, owner, { workspace: true });
  schema = app.workspaceSchema ?? '';
  await run(`create table "${schema}".t (id int primary key, a text); insert into "${schema}".t values (1, 'one'), (2, 'two')`);
});

describe('the kept catalog lookup of the preview', () => {
  it('reads a page in one statement once the table was looked up', async () => {
    await read('t');
    const { result, statements } = await countStatements(() => read('t'));
    expect(result?.rows).toEqual([
      { id: 1, a: 'one' },
      { id: 2, a: 'two' },
    ]);
    expect(statements.filter((s) => !/discard all/i.test(s.text))).toHaveLength(1);
  });

  it('sees a column added, renamed, retyped or dropped on the very next read', async () => {
    await read('t');
    await run(`alter table "${schema}".t add column b int default 7`);
    expect((await read('t'))?.rows[0]).toEqual({ id: 1, a: 'one', b: 7 });
    await run(`alter table "${schema}".t rename column b to c`);
    expect((await read('t'))?.rows[0]).toEqual({ id: 1, a: 'one', c: 7 });
    await run(`alter table "${schema}".t alter column c type text`);
    expect((await read('t'))?.rows[0]).toEqual({ id: 1, a: 'one', c: '7' });
    await run(`alter table "${schema}".t drop column c`);
    expect((await read('t'))?.rows[0]).toEqual({ id: 1, a: 'one' });
  });

  it('sees a new primary key order, a table dropped and made again, and row-level security turned on', async () => {
    await read('t');
    await run(`alter table "${schema}".t drop constraint t_pkey; alter table "${schema}".t add primary key (a)`);
    expect((await read('t'))?.rows.map((row) => row.a)).toEqual(['one', 'two']);
    await run(`drop table "${schema}".t; create table "${schema}".t (x text primary key); insert into "${schema}".t values ('new')`);
    expect((await read('t'))?.rows).toEqual([{ x: 'new' }]);
    await run(`alter table "${schema}".t enable row level security`);
    await expect(read('t')).rejects.toBeInstanceOf(RowSecurityError);
    await run(`drop table "${schema}".t`);
    expect(await read('t')).toBeNull();
  });
});
