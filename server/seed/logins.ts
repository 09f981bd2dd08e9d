export interface SeedLogin {
  username: string;
  password: string;
  description: string;
  name?: string;
  platformAdmin?: boolean;
}

/** The demo accounts, one per role; printed by `npm run dev` and `npm run db:seed`. */
export const DEMO_LOGINS: SeedLogin[] = [
  { username: 'olivia', password: 'demo-owner', name: 'Olivia Owner', description: 'owner of storefront, status-page, sandbox' },
  { username: 'adam', password: 'demo-admin', name: 'Adam Admin', description: 'admin of storefront, owner of team-wiki' },
  { username: 'maya', password: 'demo-member', name: 'Maya Member', description: 'member of storefront and sandbox, admin of team-wiki' },
  { username: 'victor', password: 'demo-viewer', name: 'Victor Viewer', description: 'viewer of storefront and team-wiki' },
  { username: 'otto', password: 'demo-outsider', name: 'Otto Outsider', description: 'no role anywhere: sees the public status-page only' },
  { username: 'root', password: 'demo-platform', name: 'Platform Admin', description: 'platform admin: every app', platformAdmin: true },
];
