import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import { describeIssues } from './errors';

/**
 * The query string of a REST request, parsed with `schema` as one object of
 * strings. A parameter given twice is ambiguous: BAD_REQUEST naming it, as a
 * schema failure is.
 */
export function parseQuery<S extends z.ZodType>(url: string, schema: S): z.output<S> {
  const values: Record<string, string> = {};
  for (const [key, value] of new URL(url).searchParams) {
    if (Object.hasOwn(values, key)) throw new TRPCError({ code: 'BAD_REQUEST', message: `${key}: given more than once` });
    values[key] = value;
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(parsed.error.issues) });
  return parsed.data;
}
