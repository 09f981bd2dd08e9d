import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import { ensureDatabase, startEmbedded } from '../server/embedded/postgres';

export interface TestPostgres {
  adminUrl: string;
  templateName: string;
  stop(): Promise<void>;
}

/** Drops a database if it exists, ending its connections first. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL server for the test run: `TEST_DATABASE_URL` when set, or a
 * throwaway embedded one; plus a migrated template database each test file clones.
 */
export async function startTestPostgres(log: (line: string) => void): Promise<TestPostgres> {
  const configured = process.env.TEST_DATABASE_URL;
  const server = configured
    ? { adminUrl: configured, stop: async () => undefined }
    : await startEmbedded({ dataDir: path.join(mkdtempSync(path.join(tmpdir(), 'appstats-test-')), 'pg'), throwaway: true, log });
  const templateName = `appstats_tpl_${process.pid}`;
  await dropDatabase(server.adminUrl, templateName);
  const templateUrl = await ensureDatabase(server.adminUrl, templateName);
  const database = createDatabase(templateUrl, { max: 1 });
  try {
    await migrateOrThrow(database.db);
  } finally {
    await database.destroy();
  }
  return {
    adminUrl: server.adminUrl,
    templateName,
    stop: async () => {
      await dropDatabase(server.adminUrl, templateName).catch(() => undefined);
      await server.stop();
    },
  };
}

/** Creates a fresh database cloned from the migrated template; returns its URL. */
export async function cloneTemplate(adminUrl: string, templateName: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)} template ${client.escapeIdentifier(templateName)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
