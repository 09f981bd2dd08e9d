import http from 'node:http';

// A request sent exactly as written: fetch would resolve `..` and `%2e%2e`
// segments and re-encode the path before the server ever saw them.

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  bytes: number;
}

/** Sends `method rawPath` to `base` with the given headers and body, byte for byte. */
export function rawHttp(base: string, method: string, rawPath: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: Number(url.port),
        method,
        path: rawPath,
        // Node sends no length for a DELETE's body by itself: say it, for every method.
        headers: { ...options.headers, ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }) },
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
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
