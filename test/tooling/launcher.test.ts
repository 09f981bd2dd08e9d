import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runningPort } from '../../server/embedded/postgres';

// `npm run dev` on a machine with no PostgreSQL: the launcher starts a real embedded
// server, migrates, seeds, serves on PORT, shares the server with a CLI call, stops it on exit.

const dataDir = mkdtempSync(path.join(tmpdir(), 'appstats-dev-'));
const baseEnv: NodeJS.ProcessEnv = { ...process.env, APPSTATS_DATA_DIR: dataDir, NEXT_DIST_DIR: '.next-devtest' };
delete baseEnv.DATABASE_URL;
let dev: ChildProcess | undefined;

afterAll(() => {
  try {
    if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGKILL');
  } catch {
    // The process group has already exited.
  }
});

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The error code PostgreSQL answers a login with, or 'ok'. */
async function login(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

describe('npm run dev with DATABASE_URL unset', () => {
  it(
    'starts embedded PostgreSQL, migrates, answers on PORT, shares the server with the CLI and stops it on exit',
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      let output = '';
      dev = spawn('npm', ['run', 'dev'], { env: { ...baseEnv, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      dev.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      dev.stderr?.on('data', (c: Buffer) => (output += c.toString()));

      const answered = await waitFor(async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/login`);
          return res.status === 200;
        } catch {
          return false;
        }
      }, 150_000);
      expect(answered, output).toBe(true);
      expect(output).toContain(`http://localhost:${port}`);

      const pgDir = path.join(dataDir, 'pg');
      expect(existsSync(path.join(pgDir, 'PG_VERSION'))).toBe(true);
      const pidBefore = readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0];
      const portBefore = runningPort(pgDir);
      // Issue 11: no fixed superuser password any more; the folder's own are in 0600 files.
      for (const file of ['pg-superuser-password', 'pg-appstats-password']) {
        expect(statSync(path.join(dataDir, file)).mode & 0o777, file).toBe(0o600);
      }
      expect(await login(`postgres://postgres:appstats-local@127.0.0.1:${portBefore}/postgres`)).toBe('28P01');
      const superuser = readFileSync(path.join(dataDir, 'pg-superuser-password'), 'utf8').trim();
      expect(await login(`postgres://postgres:${encodeURIComponent(superuser)}@127.0.0.1:${portBefore}/postgres`)).toBe('ok');

      const created = await run(['run', '--silent', 'cli', '--', 'user:create', '--username', 'shared-check', '--password', 'pw'], baseEnv);
      expect(created.code, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ username: 'shared-check' });
      expect(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]).toBe(pidBefore);
      expect(runningPort(pgDir)).toBe(portBefore);

      if (dev.pid) process.kill(-dev.pid, 'SIGINT');
      const stopped = await waitFor(() => runningPort(pgDir) === null, 30_000);
      expect(stopped).toBe(true);
    },
  );
});
