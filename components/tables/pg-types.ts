// Names of common PostgreSQL type OIDs, for a column the tables list does not describe.
const TYPE_NAMES: Record<number, string> = {
  16: 'boolean',
  17: 'bytea',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'real',
  701: 'double precision',
  869: 'inet',
  1007: 'integer[]',
  1009: 'text[]',
  1016: 'bigint[]',
  1043: 'character varying',
  1082: 'date',
  1083: 'time without time zone',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1186: 'interval',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
};

const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]);

/** A readable type name for an OID; `fallback` (or the OID) when it is not a common one. */
export function typeName(oid: number, fallback?: string): string {
  return TYPE_NAMES[oid] ?? fallback ?? `oid ${oid}`;
}

/** Whether values of this type read best right-aligned. */
export function isNumericType(oid: number): boolean {
  return NUMERIC_OIDS.has(oid);
}
