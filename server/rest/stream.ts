import { logger } from '../log';

const FLUSH_CHARS = 64 * 1024;

// A REST answer that streams (a download): its text is taken chunk by chunk as
// the client reads, and its first chunk is taken before the answer starts, so a
// refusal found there (404, 503, 422) is still answered with its status and
// the usual JSON error (server/rest/route.ts).

/** What a route's `handle` returns to stream its answer: the text, and the headers that describe it. */
export class StreamedAnswer {
  constructor(
    readonly body: AsyncIterable<string>,
    readonly headers: Record<string, string>,
  ) {}
}

/** `attachment` with a file name: an ASCII form for old clients and the exact UTF-8 one (RFC 6266, RFC 8187). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** The response of a StreamedAnswer; throws what its first chunk throws. */
export async function streamedResponse(answer: StreamedAnswer, headers: Headers): Promise<Response> {
  const iterator = answer.body[Symbol.asyncIterator]();
  const first = await iterator.next();
  for (const [name, value] of Object.entries(answer.headers)) headers.set(name, value);
  headers.set('x-content-type-options', 'nosniff');
  const encoder = new TextEncoder();
  let pending: IteratorResult<string> | null = first;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Small pieces (a row written piece by piece) go out together, up to about 64 KiB.
        let text = '';
        while (text.length < FLUSH_CHARS) {
          const step = pending ?? (await iterator.next());
          pending = null;
          if (step.done) {
            if (text) controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          text += step.value;
        }
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        // Past the first byte there is no status left to change: the download breaks off.
        logger.warn({ err: { name: (error as Error).name, message: (error as Error).message } }, 'streamed answer broke off');
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers });
}
