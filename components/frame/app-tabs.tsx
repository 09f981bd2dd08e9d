'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

interface Tab {
  segment: string;
  label: string;
  /** Why the tab leads only to a "no access" state for this caller, if it does. */
  closed?: string;
}

function LockIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5 shrink-0" fill="currentColor">
      <path d="M5 7V5a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
    </svg>
  );
}

/**
 * Overview · Tables · API · Routes · Errors; every reader sees them all, and a tab that
 * opens only a "no access" state says so (a lock, and why in its name and title):
 * Tables, API, Routes and Errors for a viewer, Tables for an app without a workspace.
 * Settings only for those who may use it (admins, the owner).
 */
export function AppTabs({
  routeId,
  canManage = false,
  canWrite = true,
  hasWorkspace = true,
}: {
  routeId: string;
  canManage?: boolean;
  canWrite?: boolean;
  hasWorkspace?: boolean;
}) {
  // /apps/{id}/{tab}/…: the third segment names the tab.
  const section = (usePathname() ?? '').split('/')[3] ?? '';
  const base = `/apps/${encodeURIComponent(routeId)}`;
  const member = 'needs member access';
  const tabs: Tab[] = [
    { segment: '', label: 'Overview' },
    { segment: 'tables', label: 'Tables', closed: !canWrite ? member : !hasWorkspace ? 'this app has no workspace' : undefined },
    { segment: 'api', label: 'API', closed: !canWrite ? member : undefined },
    { segment: 'routes', label: 'Routes', closed: !canWrite ? member : undefined },
    { segment: 'errors', label: 'Errors', closed: !canWrite ? member : undefined },
    ...(canManage ? [{ segment: 'settings', label: 'Settings' }] : []),
  ];
  return (
    <nav aria-label="App sections" className="mt-4 border-b border-line">
      <ul className="-mb-px flex gap-1 overflow-x-auto px-0.5 pt-0.5">
        {tabs.map((tab) => {
          const active = section === tab.segment;
          return (
            <li key={tab.label}>
              <Link
                href={tab.segment ? `${base}/${tab.segment}` : base}
                aria-current={active ? 'page' : undefined}
                title={tab.closed ? `${tab.label}: ${tab.closed}` : undefined}
                className={`inline-flex items-center gap-1 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:-outline-offset-2 ${
                  active ? 'border-accent text-fg' : 'border-transparent text-muted hover:text-fg'
                }`}
              >
                {tab.label}
                {tab.closed && (
                  <>
                    <LockIcon />
                    <span className="sr-only"> ({tab.closed})</span>
                  </>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
