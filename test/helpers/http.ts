import http from 'node:http';
import net from 'node:net';
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

// A request sent exactly as written: fetch would resolve `..` and `%2e%2e`
// segments and re-encode the path before the server ever saw them.

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  bytes: number;
}

/** Sends `method rawPath` to `base` with the given headers and body, byte for byte. */
export function rawHttp(
  base: string,
  method: string,
  rawPath: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: Number(url.port),
        method,
        path: rawPath,
        // Node sends no length for a DELETE's body by itself: say it, for every method.
        headers: {
          ...options.headers,
          ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: body.toString('utf8'), bytes: body.length });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error(`no answer to ${method} ${rawPath} within 30 s`)));
    request.end(options.body);
  });
}

/** Percent-encodes every byte of the UTF-8 form except letters, digits, `-` and `_` (so `.` and `/` are encoded too). */
export function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** Sends raw bytes on a fresh connection and returns what came back until the server closed it. */
export function rawRequest(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.write(bytes);
  });
}

/**
 * Sends `head` (a request line and headers ending in a blank line, with
 * `Transfer-Encoding: chunked`) and then `chunks` one at a time as HTTP chunks,
 * never the closing chunk: the body stays open, so an answer can only come from
 * a server that counts bytes as they arrive. Stops writing once the server
 * answers and resolves with what it sent when the connection closes.
 */
export function rawOpenChunkedRequest(base: string, head: string, chunks: readonly Buffer[]): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.write(head);
    const sendNext = (index: number): void => {
      const chunk = chunks[index];
      if (received || !chunk || socket.destroyed) return;
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n', () => setTimeout(() => sendNext(index + 1), 2));
    };
    sendNext(0);
  });
}
