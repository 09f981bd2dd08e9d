/** The roles the settings page can give; `owner` is never one of them (CONTRACT §9). */
export type GivenRole = 'viewer' | 'member' | 'admin';

export const ROLE_CHOICES: ReadonlyArray<{ value: GivenRole; label: string }> = [
  { value: 'viewer', label: 'Viewer' },
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
];
