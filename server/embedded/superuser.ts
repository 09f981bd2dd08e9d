import path from 'node:path';
import pg from 'pg';
import { scramVerifier } from '../db/scram';

// The embedded server's superuser. Only the launcher logs in as it (to create
// the service role and its database); the service never does (issue 11).

export const EMBEDDED_USER = 'postgres';

// The one password every data folder had before issue 11. Tried only when the
// folder's own password is refused, to replace it by that one.
const LEGACY_PASSWORD = 'appstats-local';

/**
 * Where the superuser password of the cluster in `dataDir` is kept: beside the
 * folder (initdb wants an empty one), e.g. `.data/pg-superuser-password`.
 */
export function superuserPasswordFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}-superuser-password`);
}

/** The superuser's connection URL on the loopback server at `port`. */
export function superuserUrl(port: number, password: string, database = 'postgres'): string {
  const url = new URL(`postgres://127.0.0.1:${port}/${database}`);
  url.username = EMBEDDED_USER;
  url.password = password;
  return url.toString();
}

type Probe = 'ok' | 'refused' | 'unreachable';

async function probe(url: string): Promise<Probe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return 'ok';
  } catch (error) {
    // 28P01: invalid password. Anything else (starting up, not listening yet) may pass.
    return (error as { code?: string }).code === '28P01' ? 'refused' : 'unreachable';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A folder from before issue 11: logs in with the old fixed password and sets
 * the folder's own (as a SCRAM verifier, so the log never sees it). Another
 * process may be doing the same at this moment: then its result counts.
 */
async function replaceLegacyPassword(port: number, password: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl(port, LEGACY_PASSWORD), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`alter role ${client.escapeIdentifier(EMBEDDED_USER)} password ${client.escapeLiteral(scramVerifier(password))}`);
  } catch (error) {
    if ((await probe(superuserUrl(port, password))) === 'ok') return;
    if ((error as { code?: string }).code === '28P01') {
      throw new Error(
        `The embedded PostgreSQL on port ${port} refuses the superuser password kept in ${file}: restore that file, or delete the data folder beside it to start afresh`,
      );
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits up to `timeoutMs` for the server at `port` to let the superuser in
 * with `password` (from `file`), upgrading a folder that still has the old
 * fixed password on the way. False when the server never answered.
 */
export async function waitForSuperuser(port: number, password: string, file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await probe(superuserUrl(port, password));
    if (state === 'ok') return true;
    if (state === 'refused') {
      await replaceLegacyPassword(port, password, file);
      return true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
