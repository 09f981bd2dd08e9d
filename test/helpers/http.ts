import { expect } from 'vitest';

// Plain HTTP calls to the server `npm test` started (TEST_HTTP_URL), shared by
// every test that talks to it over the network.

/** The base URL and database of the server under test; throws a clear message when the test was not started through scripts/test.ts. */
export function httpTarget(file: string): { base: string; databaseUrl: string } {
  const base = process.env.TEST_HTTP_URL;
  const databaseUrl = process.env.TEST_HTTP_DATABASE_URL;
  if (!base || !databaseUrl) {
    throw new Error(`TEST_HTTP_URL / TEST_HTTP_DATABASE_URL unset: run with \`npx tsx scripts/test.ts --integration ${file}\``);
  }
  return { base, databaseUrl };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface CallOptions {
  method?: string;
  token?: string | null;
  /** A value is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request; the answer's body read as text and, where it parses, as JSON. */
export async function call(base: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers.set('content-type', 'application/json');
  }
  return readAnswer(await fetch(`${base}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body }));
}

/** A response's status, headers and body as text and, where it parses, as JSON. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Expects the REST error shape with this status and code, and a message that matches if given. */
export function expectError(answer: Answer, status: number, code: string, message?: string | RegExp): void {
  expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({ status, type: 'application/json' });
  expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
  const actual = (answer.json as { error: { message: string } }).error.message;
  if (typeof message === 'string') expect(actual).toBe(message);
  else if (message) expect(actual).toMatch(message);
}
