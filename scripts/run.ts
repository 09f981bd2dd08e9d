import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeCliError, runCommand } from '../server/cli/commands';
import { createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import { ensurePartitions } from '../server/queries/stats/retention';
import { seedDemoData } from '../server/seed/index';
import { dataDir } from '../server/data-dir';
import { type DatabaseHandle, acquireDatabase } from '../server/embedded/launcher';
import { env } from '../server/env';

// The one launcher behind `dev`, `start`, `db:migrate`, `db:seed` and `cli`:
// DATABASE_URL, or an embedded PostgreSQL shared by every process on this checkout.

const [mode, ...args] = process.argv.slice(2);

function postgresLog(line: string): void {
  mkdirSync(dataDir(), { recursive: true });
  appendFileSync(path.join(dataDir(), 'postgres.log'), line.endsWith('\n') ? line : `${line}\n`);
}

async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await acquireDatabase(postgresLog);
  try {
    return await work(handle);
  } finally {
    await handle.release();
  }
}

async function migrate(url: string): Promise<string[]> {
  const database = createDatabase(url, { max: 2 });
  try {
    const applied = await migrateOrThrow(database.db);
    // Every start creates the months ahead, so writers never fall back to the default partition.
    await ensurePartitions(database.db);
    return applied;
  } finally {
    await database.destroy();
  }
}

async function seed(url: string, onlyWhenEmpty: boolean): Promise<Awaited<ReturnType<typeof seedDemoData>>> {
  const database = createDatabase(url, { max: 4 });
  try {
    const result = await seedDemoData(database.db, { onlyWhenEmpty });
    // The demo's past weeks went to the default partition: move them into their months.
    if (result.seeded) await ensurePartitions(database.db);
    return result;
  } finally {
    await database.destroy();
  }
}

function printLogins(result: Awaited<ReturnType<typeof seedDemoData>>, url: string): void {
  console.log(`\n  appstats is starting on ${url}`);
  console.log(
    result.seeded ? '  Demo data seeded. Sign in as one of:' : '  The database already had data; the demo logins, if it was seeded here:',
  );
  for (const login of result.logins) console.log(`    ${login.username.padEnd(8)} ${login.password.padEnd(15)} ${login.description}`);
  console.log('');
}

function runNext(command: 'dev' | 'start', databaseUrl: string, embedded: boolean): Promise<number> {
  const port = env().PORT;
  const bin = path.resolve('node_modules', '.bin', 'next');
  const child = spawn(bin, [command, '-p', String(port)], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), ...(embedded ? { APPSTATS_EMBEDDED: '1' } : {}) },
  });
  let stopping = false;
  // next start stops accepting, finishes the requests it has read, then exits; a hung
  // request must not keep the embedded PostgreSQL up, so it gets 10 s at most.
  const forward = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

async function main(): Promise<number> {
  env();
  switch (mode) {
    case 'dev':
      return withDatabase(async (handle) => {
        await migrate(handle.url);
        const result = await seed(handle.url, true);
        printLogins(result, `http://localhost:${env().PORT}`);
        return runNext('dev', handle.url, handle.embedded);
      });
    case 'start':
      // Production never seeds: demo logins with known passwords have no place there.
      return withDatabase(async (handle) => {
        await migrate(handle.url);
        console.log(`\n  appstats is starting on http://localhost:${env().PORT}\n`);
        return runNext('start', handle.url, handle.embedded);
      });
    case 'migrate':
      return withDatabase(async (handle) => {
        const applied = await migrate(handle.url);
        console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date');
        return 0;
      });
    case 'seed':
      return withDatabase(async (handle) => {
        await migrate(handle.url);
        const result = await seed(handle.url, true);
        if (!result.seeded) {
          console.error('The database already holds data: the demo seed only runs on an empty database.');
          return 1;
        }
        printLogins(result, `http://localhost:${env().PORT}`);
        return 0;
      });
    case 'cli':
      return withDatabase(async (handle) => {
        await migrate(handle.url);
        const database = createDatabase(handle.url, { max: 2 });
        try {
          const output = await runCommand(database.db, args[0], args.slice(1));
          process.stdout.write(`${JSON.stringify(output)}\n`);
          return 0;
        } catch (error) {
          process.stderr.write(`${describeCliError(error)}\n`);
          return 1;
        } finally {
          await database.destroy();
        }
      });
    default:
      console.error(`Unknown mode ${mode ?? '(none)'}: one of dev, start, migrate, seed, cli`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    process.exit(1);
  },
);
