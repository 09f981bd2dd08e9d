import type { Role } from '../db/types';

/** A caller's effective standing on one app, highest first. */
export type AppRole = 'owner' | Role;

const RANK: Record<AppRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

export interface Standing {
  /** Role on the app (owner, membership), or null; platform admins count as owner. */
  role: AppRole | null;
  canRead: boolean;
  canWrite: boolean;
}

/**
 * CONTRACT §4: read = any role or public visibility; write = member, admin,
 * owner. Platform admins may do everything on every app.
 */
export function standingOn(
  app: { ownerId: string; visibility: 'private' | 'public' },
  user: { id: string; isAdmin: boolean },
  membershipRole: Role | null,
): Standing {
  const role: AppRole | null = user.isAdmin || app.ownerId === user.id ? 'owner' : membershipRole;
  const canRead = role !== null || app.visibility === 'public';
  const canWrite = role !== null && RANK[role] >= RANK.member;
  return { role, canRead, canWrite };
}
