import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDatabase } from '../server/db/client';
import { seedDemoData } from '../server/seed/index';
import { freePort } from '../server/embedded/postgres';
import { cloneTemplate, startTestPostgres } from '../scripts/test-env';

// For working on the pages by hand: a throwaway PostgreSQL with the demo seed and
// `next start` on the last build in $NEXT_DIST_DIR. Writes the URLs to $SERVE_ENV_FILE
// (default /tmp/appstats-pages.env) so Playwright can run against it:
//   NEXT_DIST_DIR=.next-pages npx tsx e2e/serve.ts

async function main(): Promise<void> {
  const postgres = await startTestPostgres(() => undefined);
  const databaseUrl = await cloneTemplate(postgres.adminUrl, postgres.templateName, `appstats_pages_${process.pid}`);
  const database = createDatabase(databaseUrl, { max: 4 });
  const started = Date.now();
  const seed = await seedDemoData(database.db, { onlyWhenEmpty: true });
  await database.destroy();
  console.log(`seeded in ${Date.now() - started} ms`);
  const port = Number(process.env.PORT) || (await freePort());
  const server: ChildProcess = spawn(path.resolve('node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: randomBytes(32).toString('hex'), PORT: String(port) },
  });
  const envFile = process.env.SERVE_ENV_FILE ?? '/tmp/appstats-pages.env';
  writeFileSync(envFile, `export TEST_HTTP_URL=http://127.0.0.1:${port}\nexport TEST_HTTP_DATABASE_URL=${databaseUrl}\n`);
  console.log(`http://127.0.0.1:${port}  (env in ${envFile})`);
  for (const login of seed.logins) console.log(`  ${login.username} / ${login.password}`);
  const stop = async () => {
    server.kill('SIGTERM');
    await postgres.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
