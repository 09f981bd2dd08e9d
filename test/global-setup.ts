import type { TestProject } from 'vitest/node';
import { startTestPostgres } from '../scripts/test-env';

/**
 * Run directly (`npx vitest run …`), Vitest starts its own throwaway PostgreSQL;
 * under `npm test` the orchestrator has done so and passes TEST_ADMIN_URL.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (process.env.TEST_ADMIN_URL && process.env.TEST_TEMPLATE_DB) return;
  const postgres = await startTestPostgres(() => undefined);
  process.env.TEST_ADMIN_URL = postgres.adminUrl;
  process.env.TEST_TEMPLATE_DB = postgres.templateName;
  project.provide('adminUrl', postgres.adminUrl);
  return () => postgres.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}
