import pg from 'pg';

// The one LISTEN connection of a server process (CONTRACT §8 "Live"): a pg
// client of its own, outside the request pool, so it never takes a request's
// connection and survives a pool's idle timeout. It reconnects with backoff
// when the connection fails, and proves itself alive with a `select 1` every
// PROBE_MS (a connection cut without a FIN would otherwise look healthy for
// hours). Notifications come from server/db/sql/live/notify.sql.

/** The channel of server/db/sql/live/notify.sql; the payload is an app's UUID. */
export const LIVE_CHANNEL = 'stats_live';
/** How the connection shows in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'appstats live';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROBE_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

export interface ListenerEvents {
  /** A committed statement changed this app's events. */
  notify(appId: string): void;
  /** LISTEN is active (again): notifications sent while it was not are lost. */
  connected(): void;
  /** The connection is gone; it is being opened again. */
  disconnected(): void;
}

/** One dedicated LISTEN connection to `url`, reconnecting on failure until stopped. */
export class LiveListener {
  private client: pg.Client | null = null;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private waiting: Array<() => void> = [];
  connected = false;

  constructor(
    private readonly url: string,
    private readonly events: ListenerEvents,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  /** Opens the connection (once; later calls do nothing). */
  start(): void {
    if (this.client || this.retryTimer || this.stopped) return;
    void this.connect();
  }

  /** Resolves when LISTEN is active, or after `timeoutMs` (the hub polls meanwhile). */
  ready(timeoutMs: number): Promise<void> {
    if (this.connected || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Closes the connection for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.probeTimer) clearInterval(this.probeTimer);
    const client = this.client;
    this.client = null;
    this.connected = false;
    for (const wake of this.waiting.splice(0)) wake();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    this.client = client;
    // Without an error listener a dropped connection would crash the process.
    client.on('error', (error) => this.drop(client, error));
    client.on('end', () => this.drop(client, null));
    client.on('notification', (message) => {
      if (message.channel === LIVE_CHANNEL && message.payload && UUID.test(message.payload)) this.events.notify(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${LIVE_CHANNEL}`);
    } catch (error) {
      this.drop(client, error);
      return;
    }
    if (this.client !== client) return;
    this.connected = true;
    this.retryMs = RETRY_FIRST_MS;
    this.probeTimer = setInterval(() => void this.probe(client), PROBE_MS);
    this.probeTimer.unref();
    for (const wake of this.waiting.splice(0)) wake();
    this.events.connected();
  }

  private async probe(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the LISTEN connection did not answer')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.query('select 1'), timeout]);
    } catch (error) {
      this.drop(client, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private drop(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    if (error) this.log('live LISTEN connection failed; reconnecting', error);
    this.client = null;
    this.connected = false;
    if (this.probeTimer) clearInterval(this.probeTimer);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.events.disconnected();
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
