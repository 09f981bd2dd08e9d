/** Who may open an app's settings (members, visibility, name): its admins and its owner (platform admins count as owner). */
export function canManageApp(role: string | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/**
 * The caller's standing on an app in words, the same on every page: a platform
 * admin reads "platform admin" (not "owner"), a role its name, and someone
 * without one who reads a public app "public reader".
 */
export function roleLabel(role: string | null | undefined, visibility: 'private' | 'public', platformAdmin = false): string {
  if (platformAdmin) return 'platform admin';
  if (role) return role;
  return visibility === 'public' ? 'public reader' : 'reader';
}

/** The heading of /apps: "Your apps" only for someone who has a role on one of them. */
export function appsHeading(apps: ReadonlyArray<{ role: string | null }>, platformAdmin: boolean): string {
  if (platformAdmin) return 'All apps';
  return apps.some((app) => app.role !== null) ? 'Your apps' : 'Apps you can read';
}
