import path from 'node:path';
import { dataDir } from '../data-dir';
import { ensureDatabase, startEmbedded } from './postgres';

const DATABASE_NAME = 'appstats';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server when this process started it. */
  release(): Promise<void>;
}

/**
 * The one launcher: `DATABASE_URL` when set, otherwise a real embedded
 * PostgreSQL under `.data/pg`, started here or shared with the process that
 * already runs it. The caller releases it on exit.
 */
export async function acquireDatabase(log?: (line: string) => void): Promise<DatabaseHandle> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, embedded: false, release: async () => undefined };
  const server = await startEmbedded({ dataDir: path.join(dataDir(), 'pg'), log });
  const url = await ensureDatabase(server.adminUrl, DATABASE_NAME);
  return { url, embedded: true, release: () => server.stop() };
}
