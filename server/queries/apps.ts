import { type Kysely, sql } from 'kysely';
import type { DB, Role, Visibility } from '../db/types';
import { lastUtcDays } from './stats/utc-days';

export interface AppRow {
  id: string;
  naturalId: string;
  name: string;
  ownerId: string;
  visibility: Visibility;
  workspaceSchema: string | null;
  quotaBytes: number;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (what an app id looks like, and a natural id never may). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

function appColumns() {
  return [
    'apps.id',
    'apps.natural_id as naturalId',
    'apps.name',
    'apps.owner_id as ownerId',
    'apps.visibility',
    'apps.workspace_schema as workspaceSchema',
    'apps.quota_bytes as quotaBytes',
  ] as const;
}

/** The app with this UUID or natural id, or undefined. */
export async function findApp(db: Kysely<DB>, idOrNaturalId: string): Promise<AppRow | undefined> {
  const query = db.selectFrom('apps').select(appColumns());
  const row = await (
    isUuid(idOrNaturalId) ? query.where('apps.id', '=', idOrNaturalId.toLowerCase()) : query.where('apps.natural_id', '=', idOrNaturalId)
  ).executeTakeFirst();
  return row && { ...row, quotaBytes: Number(row.quotaBytes) };
}

/** An app as one user sees it: the row and the user's membership role on it (null without one). */
export interface AppWithMembership {
  app: AppRow;
  membershipRole: Role | null;
}

/** The app with this UUID or natural id and `userId`'s membership role on it, in one statement; undefined when there is no such app. */
export async function findAppWithMembership(db: Kysely<DB>, idOrNaturalId: string, userId: string): Promise<AppWithMembership | undefined> {
  const query = db
    .selectFrom('apps')
    .leftJoin('memberships as m', (join) => join.onRef('m.app_id', '=', 'apps.id').on('m.user_id', '=', userId))
    .select([...appColumns(), 'm.role as membershipRole']);
  const row = await (
    isUuid(idOrNaturalId) ? query.where('apps.id', '=', idOrNaturalId.toLowerCase()) : query.where('apps.natural_id', '=', idOrNaturalId)
  ).executeTakeFirst();
  if (!row) return undefined;
  const { membershipRole, ...app } = row;
  return { app: { ...app, quotaBytes: Number(app.quotaBytes) }, membershipRole };
}

/** Creates an app row; throws pg 23505 when the natural id is taken. */
export async function insertApp(
  db: Kysely<DB>,
  app: {
    id?: string;
    naturalId: string;
    name: string;
    ownerId: string;
    visibility: Visibility;
    quotaBytes: number;
    workspaceSchema: string | null;
  },
): Promise<AppRow> {
  const row = await db
    .insertInto('apps')
    .values({
      ...(app.id ? { id: app.id } : {}),
      natural_id: app.naturalId,
      name: app.name,
      owner_id: app.ownerId,
      visibility: app.visibility,
      quota_bytes: app.quotaBytes,
      workspace_schema: app.workspaceSchema,
    })
    .returning(appColumns())
    .executeTakeFirstOrThrow();
  return { ...row, quotaBytes: Number(row.quotaBytes) };
}

export interface ReadableAppRow extends AppRow {
  role: 'owner' | Role | null;
}

/**
 * The apps a user can read, by name: owned, member of, public, or all of them
 * for a platform admin; with the user's own role on each.
 */
export async function listReadableApps(db: Kysely<DB>, user: { id: string; isAdmin: boolean }): Promise<ReadableAppRow[]> {
  const rows = await db
    .selectFrom('apps')
    .leftJoin('memberships as m', (join) => join.onRef('m.app_id', '=', 'apps.id').on('m.user_id', '=', user.id))
    .select([...appColumns(), 'm.role as memberRole'])
    .$if(!user.isAdmin, (qb) =>
      qb.where((eb) => eb.or([eb('apps.owner_id', '=', user.id), eb('m.role', 'is not', null), eb('apps.visibility', '=', 'public')])),
    )
    .orderBy('apps.name')
    .orderBy('apps.natural_id')
    .execute();
  return rows.map(({ memberRole, ...row }) => ({
    ...row,
    quotaBytes: Number(row.quotaBytes),
    role: row.ownerId === user.id ? 'owner' : memberRole,
  }));
}

export interface ViewSparkline {
  appId: string;
  /** Views per UTC day, 7 entries, newest first (as `viewsByDay` of GET /stats). */
  viewsByDay: Array<{ day: string; count: number }>;
  views7d: number;
}

/**
 * Views of each app over the last 7 UTC days (today and the 6 before), days
 * without views included; one statement for the whole list, read from the
 * rollups (day rows plus the slots' current buckets, as GET /stats reads
 * them), so its cost does not grow with the number of events.
 */
export async function getViewSparklines(db: Kysely<DB>, appIds: string[], now: Date): Promise<ViewSparkline[]> {
  if (appIds.length === 0) return [];
  const week = lastUtcDays(now, 7);
  const { rows } = await sql<{ appId: string; day: string; count: number }>`
    select app_id as "appId", to_char(day, 'YYYY-MM-DD') as day, sum(views)::float8 as count
    from (
      select app_id, day, views from stats_view_days
      where app_id = any(${appIds}::uuid[]) and day between ${week.days.at(-1)}::date and ${week.days[0]}::date
      union all
      select app_id, (cur_bucket at time zone 'UTC')::date, cur_views from stats_view_slots
      where app_id = any(${appIds}::uuid[]) and cur_bucket >= ${week.from} and cur_bucket < ${week.to}
    ) d
    group by app_id, day
  `.execute(db);
  const counts = new Map(rows.map((row) => [`${row.appId}/${row.day}`, row.count]));
  return appIds.map((appId) => {
    const viewsByDay = week.days.map((day) => ({ day, count: counts.get(`${appId}/${day}`) ?? 0 }));
    return { appId, viewsByDay, views7d: viewsByDay.reduce((sum, entry) => sum + entry.count, 0) };
  });
}
