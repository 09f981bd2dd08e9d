import { z } from 'zod';

// The preview's paging (CONTRACT §5): integers, limit 1..100 (default 25),
// offset >= 0 (default 0). Messages name the rule; the REST adapter prefixes
// the field, e.g. `limit: must be an integer between 1 and 100`.

const LIMIT = 'must be an integer between 1 and 100';
const OFFSET = 'must be an integer of 0 or more';

const paging = {
  limit: z.number({ error: LIMIT }).int({ error: LIMIT }).min(1, { error: LIMIT }).max(100, { error: LIMIT }).default(25),
  offset: z
    .number({ error: OFFSET })
    .int({ error: OFFSET })
    .min(0, { error: OFFSET })
    .max(Number.MAX_SAFE_INTEGER, { error: 'must be at most 9007199254740991' })
    .default(0),
};

/** The body of POST …/stats/tables/{table}/preview: empty (defaults) or exactly these fields. */
export const PreviewRequestBody = z.strictObject(paging, { error: 'must be a JSON object' });
export type PreviewRequestBody = z.output<typeof PreviewRequestBody>;

/**
 * The input of `stats.preview` besides `appId`. Not strict, because tRPC merges
 * it with the app reference; the table name is checked against the catalog
 * (a name that cannot exist is NOT_FOUND like any other, not BAD_REQUEST).
 */
export const PreviewInput = z.object({ table: z.string(), ...paging });
