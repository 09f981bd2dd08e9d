'use client';

import { useParams, useRouter } from 'next/navigation';
import type { ChangeEvent } from 'react';

export interface SwitcherApp {
  id: string;
  naturalId: string;
  name: string;
}

/** Jumps to another readable app, keeping the tab (overview, tables, api) where it can. */
export function AppSwitcher({ apps }: { apps: SwitcherApp[] }) {
  const router = useRouter();
  const params = useParams<{ id?: string }>();
  const current = params.id ? decodeURIComponent(params.id) : '';
  const selected = apps.find((app) => app.naturalId === current || app.id === current.toLowerCase());

  function change(event: ChangeEvent<HTMLSelectElement>) {
    const target = event.target.value;
    if (!target) return router.push('/apps');
    const tab = window.location.pathname.split('/')[3];
    router.push(`/apps/${encodeURIComponent(target)}${tab === 'api' || tab === 'tables' ? `/${tab}` : ''}`);
  }

  if (apps.length === 0) return null;
  return (
    <div className="flex min-w-0 items-center gap-2 text-sm">
      <label htmlFor="app-switcher" className="text-muted">
        App
      </label>
      <select
        id="app-switcher"
        value={selected?.naturalId ?? ''}
        onChange={change}
        className="min-w-0 flex-1 truncate rounded-md sm:max-w-[14rem] sm:flex-none border border-line bg-surface px-2 py-1 text-fg"
      >
        <option value="">All apps</option>
        {apps.map((app) => (
          <option key={app.id} value={app.naturalId}>
            {app.name} ({app.naturalId})
          </option>
        ))}
      </select>
    </div>
  );
}
