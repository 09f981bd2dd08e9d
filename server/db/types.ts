import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 read as string by pg; written as number, bigint or string. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>;

export type Role = 'viewer' | 'member' | 'admin';
export type Visibility = 'private' | 'public';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  name: string | null;
  password_hash: string;
  is_admin: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string | null;
  token_hash: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface AppsTable {
  id: Generated<string>;
  natural_id: string;
  name: string;
  owner_id: string;
  visibility: Generated<Visibility>;
  workspace_schema: string | null;
  quota_bytes: ColumnType<string, number | string | undefined, number | string>;
  created_at: DefaultTimestamp;
}

export interface MembershipsTable {
  app_id: string;
  user_id: string;
  role: Role;
  created_at: DefaultTimestamp;
}

export interface ViewEventsTable {
  app_id: string;
  viewer_id: string | null;
  viewed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RouteInvocationsTable {
  app_id: string;
  method: string;
  path: string;
  user_id: string | null;
  started_at: Timestamp;
  duration_ms: number;
  status_code: number;
  memory_peak_bytes: Int8 | null;
  error: string | null;
}

export interface DB {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  apps: AppsTable;
  memberships: MembershipsTable;
  view_events: ViewEventsTable;
  route_invocations: RouteInvocationsTable;
}
