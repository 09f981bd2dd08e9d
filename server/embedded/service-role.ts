import { readFileSync } from 'node:fs';
import pg from 'pg';
import { scramVerifier } from '../db/scram';

// The embedded server's service role (issue 11): what migrations, seed, dev
// server and CLI log in as. Exactly the rights the README asks of a role on
// your own server: LOGIN, CREATEROLE (the workspace readers), owner of its
// database; not a superuser, no CREATEDB, REPLICATION or BYPASSRLS.
const ATTRIBUTES = 'login nosuperuser createrole nocreatedb noreplication nobypassrls';

// Held (on the maintenance database, where every launcher takes it) while one
// launcher sets the role up, so two starting at once never race on ALTER ROLE.
const SETUP_LOCK_KEY = 7_331_011;

/** The service's login role, its password and the database it owns. */
export interface ServiceRole {
  role: string;
  password: string;
  database: string;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function ensureRole(admin: pg.Client, { role, password }: ServiceRole): Promise<void> {
  const found = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
  // Also for an existing role: its attributes and password are set to these again.
  const verb = found.rowCount === 0 ? 'create' : 'alter';
  await admin.query(
    `${verb} role ${admin.escapeIdentifier(role)} with ${ATTRIBUTES} password ${admin.escapeLiteral(scramVerifier(password))}`,
  );
}

async function ensureOwnedDatabase(admin: pg.Client, { role, database }: ServiceRole): Promise<void> {
  const found = await admin.query<{ owner: string }>('select pg_get_userbyid(datdba) as owner from pg_database where datname = $1', [
    database,
  ]);
  const owner = found.rows[0]?.owner;
  if (owner === undefined) {
    await admin.query(`create database ${admin.escapeIdentifier(database)} owner ${admin.escapeIdentifier(role)}`);
  } else if (owner !== role) {
    await admin.query(`alter database ${admin.escapeIdentifier(database)} owner to ${admin.escapeIdentifier(role)}`);
  }
}

/** What the bootstrap superuser owns in the database becomes the role's: see adopt-objects.sql. */
async function adoptObjects(adminUrl: string, { role, database }: ServiceRole): Promise<void> {
  const script = readFileSync(new URL('./adopt-objects.sql', import.meta.url), 'utf8');
  const client = await connect(withDatabase(adminUrl, database));
  try {
    await client.query('begin');
    await client.query(`select set_config('appstats.adopt_from', current_user, true), set_config('appstats.adopt_to', $1, true)`, [role]);
    await client.query(script);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/**
 * As the superuser behind `adminUrl`: creates (or corrects) the service role
 * and its database, owned by it, and gives it the objects an older launcher
 * created there as the superuser. Returns the role's URL of that database.
 */
export async function ensureServiceDatabase(adminUrl: string, service: ServiceRole): Promise<string> {
  const admin = await connect(adminUrl);
  try {
    await admin.query('select pg_advisory_lock($1)', [SETUP_LOCK_KEY]);
    await ensureRole(admin, service);
    await ensureOwnedDatabase(admin, service);
    await adoptObjects(adminUrl, service);
  } finally {
    // Ending the session releases the lock.
    await admin.end();
  }
  const url = new URL(withDatabase(adminUrl, service.database));
  url.username = service.role;
  url.password = service.password;
  return url.toString();
}
