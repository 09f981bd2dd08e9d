import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../server/embedded/postgres';

// The two servers the HTTP part of the bench talks to, each a child process on
// loopback: `next start` from a production build (the service as deployed),
// and bench/bare-server.ts (node:http + pg, the same queries, no framework).

/** A server the bench started: its base URL and how to stop it. */
export interface ChildServer {
  baseUrl: string;
  /** Ends the process (SIGTERM, SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** The per-call budget as deployed (counted, in memory and in rate_limits), with a limit no bench run reaches. */
const UNREACHED_LIMIT = '1000000000';

const bin = (name: string) => path.resolve('node_modules', '.bin', name);

/** Runs `next build` into `distDir` unless a build is there already (BENCH_REBUILD=1 builds anyway). */
export function buildApp(distDir: string, log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(distDir, 'BUILD_ID')) && process.env.BENCH_REBUILD !== '1') return Promise.resolve();
  log(`building the app into ${distDir}`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin('next'), ['build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NEXT_DIST_DIR: distDir },
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with code ${code}`))));
  });
}

/** Resolves once `url` answers at all; rejects when `child` exits first or `seconds` pass. */
async function answering(child: ChildProcess, url: string, name: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`${name} did not answer on ${url} within ${seconds} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Starts `next start` from the production build in `distDir` against
 * `databaseUrl` with `authSecret`, the budget counted as deployed but with a
 * limit the load never reaches. Resolves once it answers.
 */
export async function startAppServer(databaseUrl: string, authSecret: string, distDir = '.next'): Promise<ChildServer> {
  if (!existsSync(path.join(distDir, 'BUILD_ID')))
    throw new Error(`no production build in ${distDir}: run \`NEXT_DIST_DIR=${distDir} npx next build\` first`);
  const port = await freePort();
  const server = spawn(bin('next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NEXT_DIST_DIR: distDir,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: authSecret,
      TOKEN_RATE_LIMIT: UNREACHED_LIMIT,
      SESSION_RATE_LIMIT: UNREACHED_LIMIT,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await answering(server, `${baseUrl}/login`, 'next start', 60);
  return { baseUrl, stop: stopper(server) };
}

/**
 * Starts bench/bare-server.ts in a child process of its own (as `next start`
 * runs in one) against `databaseUrl`. `authSecret` must be the app server's:
 * workspace readers log in with a password derived from it.
 */
export async function startBareServer(databaseUrl: string, authSecret: string): Promise<ChildServer> {
  const port = await freePort();
  const entry = path.resolve(import.meta.dirname, 'bare-server.ts');
  const server = spawn(process.execPath, ['--import', 'tsx', entry], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, PORT: String(port) },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await answering(server, `${baseUrl}/api/ping`, 'the bare server', 30);
  return { baseUrl, stop: stopper(server) };
}
