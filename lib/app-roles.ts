/** Who may open an app's settings (members, visibility, name): its admins and its owner (platform admins count as owner). */
export function canManageApp(role: string | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
