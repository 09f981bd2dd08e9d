import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

// Counts the statements a piece of work sends to PostgreSQL, on the service's
// pool and on workspace readers' connections alike: the measure of issue 13's
// "statements per request" (test/routers/request-path.test.ts). Outside
// countStatements nothing is recorded; inside, every query of the work's own
// async calls is, whichever connection it runs on.

/** Where a statement ran: the service's pool or a workspace reader's own connection. */
export type StatementSource = 'service' | 'workspace';

export interface CountedStatement {
  source: StatementSource;
  text: string;
  /** The statement's bound parameters, as given to pg (empty for a simple query). */
  values: readonly unknown[];
}

const scope = new AsyncLocalStorage<CountedStatement[]>();

/** Runs `work` and returns its result with every statement it sent, in order. */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: CountedStatement[] }> {
  const statements: CountedStatement[] = [];
  const result = await scope.run(statements, work);
  return { result, statements };
}

/** Makes `client` report its queries to countStatements (a no-op outside it). Called once per connection. */
export function reportStatements(client: pg.ClientBase, source: StatementSource): void {
  const query = client.query;
  const counted = function (this: pg.ClientBase, ...args: unknown[]) {
    const first = args[0];
    const config = typeof first === 'string' ? undefined : (first as { text?: unknown; values?: unknown } | undefined);
    const text = typeof first === 'string' ? first : config?.text;
    const given = Array.isArray(args[1]) ? args[1] : config?.values;
    const values: readonly unknown[] = Array.isArray(given) ? [...(given as unknown[])] : [];
    scope.getStore()?.push({ source, text: typeof text === 'string' ? text : '', values });
    return Reflect.apply(query, this, args) as unknown;
  };
  client.query = counted as typeof client.query;
}
