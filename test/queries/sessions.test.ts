import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { hashSessionId, openSession, resolveSession } from '../../server/auth/sessions';
import { useTestDatabase } from '../helpers/database';
import { makeUser } from '../helpers/fixtures';

// Reading a session is not a write on every request (issue 13): last_seen_at
// moves at most once a minute, in the statement that reads the session.

const database = useTestDatabase();

/** The session row's last-seen time and its tuple version (xmin changes with every write of the row). */
async function sessionRow(id: string): Promise<{ lastSeen: Date; version: string }> {
  const { rows } = await sql<{ lastSeen: Date; version: string }>`
    select last_seen_at as "lastSeen", xmin::text as version from sessions where id_hash = ${hashSessionId(id)}`.execute(
    database.current.db,
  );
  const row = rows[0];
  if (!row) throw new Error('no session row');
  return row;
}

describe('session reads', () => {
  it('write last_seen_at at most once a minute, and keep the session alive past it', async () => {
    const { db } = database.current;
    const user = await makeUser(db);
    const start = new Date('2026-06-01T12:00:00.000Z');
    const id = await openSession(db, user.id, start);
    const opened = await sessionRow(id);

    for (const seconds of [1, 20, 59]) {
      expect((await resolveSession(db, id, new Date(start.getTime() + seconds * 1000)))?.id).toBe(user.id);
    }
    expect(await sessionRow(id)).toEqual(opened);

    const later = new Date(start.getTime() + 61_000);
    expect((await resolveSession(db, id, later))?.id).toBe(user.id);
    const touched = await sessionRow(id);
    expect(touched.lastSeen).toEqual(later);
    expect(touched.version).not.toBe(opened.version);
  });
});
