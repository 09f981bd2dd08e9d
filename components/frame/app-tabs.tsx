'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { segment: '', label: 'Overview' },
  { segment: 'tables', label: 'Tables' },
  { segment: 'api', label: 'API' },
] as const;

const SETTINGS = { segment: 'settings', label: 'Settings' } as const;

/**
 * Overview · Tables · API; every reader sees all three (write pages explain
 * themselves). Settings only for those who may use it (admins, the owner).
 */
export function AppTabs({ routeId, canManage = false }: { routeId: string; canManage?: boolean }) {
  // /apps/{id}/{tab}/…: the third segment names the tab.
  const section = (usePathname() ?? '').split('/')[3] ?? '';
  const base = `/apps/${encodeURIComponent(routeId)}`;
  return (
    <nav aria-label="App sections" className="mt-4 border-b border-line">
      <ul className="-mb-px flex gap-1 overflow-x-auto">
        {(canManage ? [...TABS, SETTINGS] : TABS).map((tab) => {
          const active = section === tab.segment;
          return (
            <li key={tab.label}>
              <Link
                href={tab.segment ? `${base}/${tab.segment}` : base}
                aria-current={active ? 'page' : undefined}
                className={`inline-block border-b-2 px-3 py-2 text-sm font-medium ${
                  active ? 'border-accent text-fg' : 'border-transparent text-muted hover:text-fg'
                }`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
