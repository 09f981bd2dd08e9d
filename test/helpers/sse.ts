// A Server-Sent Events client over fetch for the live stream tests: every
// event and comment as it arrives, with its arrival time, and how the stream ended.

export interface SseEvent {
  event: string;
  data: string;
  at: number;
}

export interface SseStream {
  status: number;
  contentType: string | null;
  /** The error body when the answer was not a stream. */
  text: string;
  events: SseEvent[];
  /** Arrival times of comment lines (`: …`). */
  comments: number[];
  /** Resolves when the server ends the stream: 'ended', or 'failed' with the cause. */
  closed: Promise<'ended' | 'failed'>;
  close(): void;
}

/** Opens `path` on `base` as an event stream, with a bearer token or headers of its own. */
export async function openSse(
  base: string,
  path: string,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const headers = new Headers(options.headers);
  headers.set('accept', 'text/event-stream');
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  const response = await fetch(`${base}${path}`, { headers, signal: abort.signal });
  const stream: SseStream = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: '',
    events: [],
    comments: [],
    closed: Promise.resolve('ended'),
    close: () => abort.abort(),
  };
  if (!response.ok || !response.body) {
    stream.text = await response.text();
    return stream;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  stream.closed = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const lines = block.split('\n');
          if (lines.every((line) => line.startsWith(':'))) stream.comments.push(Date.now());
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
          if (event && data !== undefined) stream.events.push({ event, data, at: Date.now() });
        }
      }
    } catch {
      return abort.signal.aborted ? 'ended' : 'failed';
    }
  })();
  return stream;
}

/** The parsed data of a stream's `stats` events. */
export function statsOf(stream: SseStream): Array<{ totalViews: number; totalInvocations: number }> {
  return stream.events
    .filter((e) => e.event === 'stats')
    .map((e) => JSON.parse(e.data) as { totalViews: number; totalInvocations: number });
}
