import { randomBytes } from 'node:crypto';
import pg from 'pg';

// A hostile tenant: its own role, owning what it creates in its workspace, as
// the app's own code would (CONTRACT §10). The test's superuser connection only
// creates the role; everything else runs as that role.

export interface Tenant {
  role: string;
  /** Runs SQL as the tenant in one transaction, committed. */
  run(text: string): Promise<void>;
  /** A connection of the tenant's left open (e.g. to hold a lock); close it with `end()`. */
  hold(text: string): Promise<pg.Client>;
  close(): Promise<void>;
}

/** Creates a tenant role with USAGE and CREATE on `schema`; `url` connects as a superuser (the test database). */
export async function tenantOf(url: string, schema: string): Promise<Tenant> {
  const role = `tenant_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create role ${role} nologin; grant usage, create on schema ${pg.escapeIdentifier(schema)} to ${role}`);
  const held: pg.Client[] = [];
  const asTenant = async (client: pg.Client, text: string) => {
    await client.query(`set role ${role}`);
    await client.query(text);
  };
  return {
    role,
    run: async (text) => {
      await admin.query('begin');
      try {
        await asTenant(admin, text);
        await admin.query('commit');
      } catch (error) {
        await admin.query('rollback');
        throw error;
      } finally {
        // What the tenant's code left on this connection (a lock taken while its index was built) is not the attack.
        await admin.query('reset role; select pg_advisory_unlock_all(); reset all');
      }
    },
    hold: async (text) => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      await asTenant(client, text);
      held.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(held.map((client) => client.end().catch(() => undefined)));
      await admin.end();
    },
  };
}
