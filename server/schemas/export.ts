import { z } from 'zod';

// A table export's inputs (CONTRACT §8 "Export"): `format=csv|ndjson`, csv by default.

const FORMAT = 'must be csv or ndjson';

/** The format of a table export. */
export const TableExportFormat = z.enum(['csv', 'ndjson'], { error: FORMAT });

/** The query string of GET …/stats/tables/{table}/export: `format` only. */
export const TableExportQuery = z.strictObject({ format: TableExportFormat.default('csv') }, { error: 'must be a query string' });

/** The input of `export.table` besides `appId`; the table name is checked against the catalog, as the preview's is. */
export const TableExportInput = z.object({ table: z.string(), format: TableExportFormat.default('csv') });
