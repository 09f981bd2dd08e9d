import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';

// server/db/types.ts is kept by hand beside the migrations. This test reads it
// as the queries see it (Kysely's Selectable and Insertable of every table of
// DB, through the TypeScript compiler, so there is no second description to
// keep in step) and holds it against the catalog of a freshly migrated
// database: the same tables in schema public, the same columns, the same
// nullability, a TypeScript type that is what pg hands back for the column's
// type, and a column optional on insert exactly when it is nullable or has a default.

const database = useTestDatabase();

// Tables of schema public that are not the service's: Kysely's migrator keeps its own.
const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

// What pg hands back (server/db/client.ts): int8 and numeric as strings, timestamptz and date as Date, jsonb parsed.
const READ_AS: Record<string, string> = {
  uuid: 'string',
  text: 'string',
  varchar: 'string',
  int8: 'string',
  numeric: 'string',
  int2: 'number',
  int4: 'number',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  timestamptz: 'Date',
  date: 'Date',
  json: 'unknown',
  jsonb: 'unknown',
  _int4: '(number | null)[]',
};

interface Column {
  nullable: boolean;
  read: string;
  insert: 'optional' | 'required' | 'never';
}
type Tables = Record<string, Record<string, Column>>;

// A file that exists only for the compiler, beside the tests so that its imports resolve as theirs do.
const PROBE = path.join(import.meta.dirname, '__db-types-probe__.ts');
const PROBE_SOURCE = `
import type { Insertable, Selectable } from 'kysely';
import type { DB } from '../../server/db/types';
export type Probe = { [T in keyof DB]: { [C in keyof DB[T]]: {
  select: C extends keyof Selectable<DB[T]> ? Selectable<DB[T]>[C] : never;
  insert: C extends keyof Insertable<DB[T]> ? ({} extends Pick<Insertable<DB[T]>, C> ? 'optional' : 'required') : 'never';
} } };
`;

/** The tables of DB as the compiler sees them through Kysely's Selectable and Insertable. */
function declaredTables(): Tables {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === PROBE ? ts.createSourceFile(name, PROBE_SOURCE, language) : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === PROBE || fileExists.call(host, name);
  host.readFile = (name) => (name === PROBE ? PROBE_SOURCE : readFile.call(host, name));
  const program = ts.createProgram([PROBE], options, host);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(errors).toEqual([]);
  const checker = program.getTypeChecker();
  const alias = program.getSourceFile(PROBE)?.statements.find(ts.isTypeAliasDeclaration);
  if (!alias) throw new Error('the probe declares no type');
  const propertiesOf = (type: ts.Type) =>
    checker.getPropertiesOfType(type).map((symbol) => [symbol.name, checker.getTypeOfSymbol(symbol)] as const);
  const kindOf = (type: ts.Type): string => {
    if (type.flags & ts.TypeFlags.StringLike) return 'string';
    if (type.flags & ts.TypeFlags.NumberLike) return 'number';
    if (type.flags & ts.TypeFlags.BooleanLike) return 'boolean';
    if (type.flags & ts.TypeFlags.Unknown) return 'unknown';
    return checker.typeToString(type);
  };
  const column = (probe: ts.Type): Column => {
    const [, select] = propertiesOf(probe).find(([name]) => name === 'select') ?? [];
    const [, insert] = propertiesOf(probe).find(([name]) => name === 'insert') ?? [];
    if (!select || !insert) throw new Error('the probe lacks select or insert');
    const parts = select.isUnion() ? select.types : [select];
    const kinds = new Set(parts.filter((part) => !(part.flags & ts.TypeFlags.Null)).map(kindOf));
    return {
      nullable: parts.some((part) => part.flags & ts.TypeFlags.Null),
      read: [...kinds].sort().join(' | '),
      insert: JSON.parse(checker.typeToString(insert)) as Column['insert'],
    };
  };
  return Object.fromEntries(
    propertiesOf(checker.getTypeAtLocation(alias.name)).map(([table, columns]) => [
      table,
      Object.fromEntries(propertiesOf(columns).map(([name, probe]) => [name, column(probe)])),
    ]),
  );
}

/** The ordinary and partitioned tables of schema public in the migrated database, described the same way. */
async function catalogTables(): Promise<Tables> {
  const { rows } = await sql<{ table: string; column: string; nullable: boolean; type: string; hasDefault: boolean }>`
    select c.relname as "table", a.attname as "column", not a.attnotnull as nullable, t.typname as type,
           (a.atthasdef or a.attidentity <> '') as "hasDefault"
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    join pg_catalog.pg_type t on t.oid = a.atttypid
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and c.relname <> all(${MIGRATOR_TABLES}::text[])
    order by c.relname, a.attnum`.execute(database.current.db);
  const tables: Tables = {};
  for (const row of rows) {
    (tables[row.table] ??= {})[row.column] = {
      nullable: row.nullable,
      read: READ_AS[row.type] ?? `(no TypeScript type known for ${row.type})`,
      insert: row.nullable || row.hasDefault ? 'optional' : 'required',
    };
  }
  return tables;
}

describe('server/db/types.ts', () => {
  it('describes every table of schema public, every column with its nullability, read type and insert optionality', async () => {
    const [declared, catalog] = [declaredTables(), await catalogTables()];
    expect.soft(Object.keys(declared).sort()).toEqual(Object.keys(catalog).sort());
    expect(declared).toEqual(catalog);
  });
});
