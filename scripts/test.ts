import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../server/embedded/postgres';
import { cloneTemplate, dropDatabase, startTestPostgres } from './test-env';

// `npm test`: one throwaway PostgreSQL (or TEST_DATABASE_URL), one production build
// of the app served against its own database, then Vitest and Playwright.
// Flags: --integration (Vitest only), --no-build (reuse .next-test), --no-server
// (no build and no server: test/http/, the files that talk to the server, are left
// out), --e2e (Playwright only, with the filters), and anything else is passed on
// to Vitest as filters.

const argv = process.argv.slice(2);
const integrationOnly = argv.includes('--integration');
const skipBuild = argv.includes('--no-build');
const noServer = argv.includes('--no-server');
const e2eOnly = argv.includes('--e2e');
const filters = argv.filter((a) => !a.startsWith('--'));
const DIST_DIR = process.env.NEXT_DIST_DIR ?? '.next-test';
// The live streams' heartbeat and access recheck for the server under test (and the tests that wait for them): seconds, not half a minute.
const LIVE_INTERVALS = {
  LIVE_HEARTBEAT_MS: process.env.LIVE_HEARTBEAT_MS ?? '1000',
  LIVE_RECHECK_MS: process.env.LIVE_RECHECK_MS ?? '1000',
};
const reportDir = mkdtempSync(path.join(tmpdir(), 'appstats-report-'));

function run(command: string, args: string[], extraEnv: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function waitForHttp(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the app server exited with code ${server.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the app server did not answer on ${url} within ${timeoutMs} ms`);
}

function counts(file: string, kind: 'vitest' | 'playwright'): { passed: number; failed: number } {
  if (!existsSync(file)) return { passed: 0, failed: 1 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (kind === 'vitest') {
    // A file that fails before any of its tests runs counts as a failure too, not as zero tests.
    const files = (report.testResults ?? []) as Array<{ status?: string; assertionResults?: Array<{ status?: string }> }>;
    const brokenFiles = files.filter(
      (file) => file.status === 'failed' && !file.assertionResults?.some((test) => test.status === 'failed'),
    ).length;
    return { passed: Number(report.numPassedTests ?? 0), failed: Number(report.numFailedTests ?? 0) + brokenFiles };
  }
  const stats = report.stats as { expected?: number; unexpected?: number; flaky?: number } | undefined;
  return { passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0), failed: stats?.unexpected ?? 0 };
}

async function main(): Promise<number> {
  const bin = (name: string) => path.resolve('node_modules', '.bin', name);
  const postgres = await startTestPostgres(() => undefined);
  const appDbName = `appstats_http_${process.pid}`;
  let server: ChildProcess | undefined;
  let failures = 0;
  let passed = 0;
  try {
    const env: Record<string, string> = {
      TEST_ADMIN_URL: postgres.adminUrl,
      TEST_TEMPLATE_DB: postgres.templateName,
      TZ: 'UTC',
    };
    if (!noServer) {
      if (!skipBuild || !existsSync(path.join(DIST_DIR, 'BUILD_ID'))) {
        const built = await run(bin('next'), ['build'], { NEXT_DIST_DIR: DIST_DIR });
        if (built !== 0) throw new Error('next build failed');
      }
      const appDbUrl = await cloneTemplate(postgres.adminUrl, postgres.templateName, appDbName);
      const port = await freePort();
      server = spawn(bin('next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          NEXT_DIST_DIR: DIST_DIR,
          DATABASE_URL: appDbUrl,
          AUTH_SECRET: randomBytes(32).toString('hex'),
          PORT: String(port),
          ...LIVE_INTERVALS,
        },
      });
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitForHttp(`${baseUrl}/login`, server, 60_000);
      Object.assign(env, { TEST_HTTP_URL: baseUrl, TEST_HTTP_DATABASE_URL: appDbUrl, ...LIVE_INTERVALS });
    }
    const vitestReport = path.join(reportDir, 'vitest.json');
    const withoutServer = noServer ? ['--exclude', 'test/http/**'] : [];
    if (!e2eOnly) {
      await run(
        bin('vitest'),
        ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`, ...withoutServer, ...filters],
        env,
      );
      const unit = counts(vitestReport, 'vitest');
      passed += unit.passed;
      failures += unit.failed;
    }
    if (e2eOnly || (!integrationOnly && !noServer && filters.length === 0)) {
      const e2eReport = path.join(reportDir, 'playwright.json');
      await run(bin('playwright'), ['test', ...(e2eOnly ? filters : [])], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport });
      const e2e = counts(e2eReport, 'playwright');
      passed += e2e.passed;
      failures += e2e.failed;
    }
  } finally {
    server?.kill('SIGTERM');
    await dropDatabase(postgres.adminUrl, appDbName).catch(() => undefined);
    await postgres.stop();
  }
  console.log(`\n${passed} passed, ${failures} failed`);
  return failures === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  },
);
