import path from 'node:path';
import { dataDir } from '../data-dir';
import { env } from '../env';
import { startEmbedded } from './postgres';
import { readOrCreateSecret } from './secrets';
import { ensureServiceDatabase } from './service-role';

const DATABASE_NAME = 'appstats';
const SERVICE_ROLE = 'appstats';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server when this process started it. */
  release(): Promise<void>;
}

/**
 * The one launcher: `DATABASE_URL` when set, otherwise a real embedded
 * PostgreSQL under `.data/pg`, started here or shared with the process that
 * already runs it. Its URL is the `appstats` role's (not a superuser; owner of
 * the `appstats` database), whose random password is kept in
 * `.data/pg-appstats-password` (0600). The caller releases it on exit.
 */
export async function acquireDatabase(log?: (line: string) => void): Promise<DatabaseHandle> {
  const configured = env().DATABASE_URL;
  if (configured) return { url: configured, embedded: false, release: async () => undefined };
  const server = await startEmbedded({ dataDir: path.join(dataDir(), 'pg'), log });
  try {
    const password = readOrCreateSecret(path.join(dataDir(), `pg-${SERVICE_ROLE}-password`));
    const url = await ensureServiceDatabase(server.adminUrl, { role: SERVICE_ROLE, password, database: DATABASE_NAME });
    return { url, embedded: true, release: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
