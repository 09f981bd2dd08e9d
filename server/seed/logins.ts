export interface SeedLogin {
  username: string;
  password: string;
  description: string;
  name?: string;
  platformAdmin?: boolean;
}

/** The demo accounts, one per role, each described with every membership it has (seed/accounts.ts); printed by `npm run dev` and `npm run db:seed`. */
export const DEMO_LOGINS: SeedLogin[] = [
  {
    username: 'olivia',
    password: 'demo-owner',
    name: 'Olivia Owner',
    description: 'owner of storefront, status-page and sandbox; member of team-wiki',
  },
  { username: 'adam', password: 'demo-admin', name: 'Adam Admin', description: 'owner of team-wiki; admin of storefront' },
  { username: 'maya', password: 'demo-member', name: 'Maya Member', description: 'admin of team-wiki; member of storefront and sandbox' },
  { username: 'victor', password: 'demo-viewer', name: 'Victor Viewer', description: 'viewer of storefront and team-wiki' },
  {
    username: 'otto',
    password: 'demo-outsider',
    name: 'Otto Outsider',
    description: 'no role on any app; reads the public status-page only',
  },
  {
    username: 'root',
    password: 'demo-platform',
    name: 'Platform Admin',
    description: 'platform admin: every right on every app, owns none',
    platformAdmin: true,
  },
];
