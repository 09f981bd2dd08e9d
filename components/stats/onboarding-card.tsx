'use client';

import Link from 'next/link';
import { useSyncExternalStore } from 'react';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';

const noop = () => () => undefined;

/** The page's own origin once in the browser (the server renders a placeholder). */
function useOrigin(): string {
  return useSyncExternalStore(
    noop,
    () => window.location.origin,
    () => 'https://appstats.example',
  );
}

const code = 'block px-3 py-2 font-mono text-xs whitespace-pre';

/**
 * On an app that has recorded nothing yet: how events arrive. Rows in the two
 * tables, or the ingestion API with a token from the account page.
 */
export function OnboardingCard({ appId, routeId }: { appId: string; routeId: string }) {
  const origin = useOrigin();
  const curl = [
    `curl -X POST ${origin}/api/apps/${encodeURIComponent(routeId)}/views \\`,
    `  -H "Authorization: Bearer $APPSTATS_TOKEN" \\`,
    `  -H "Content-Type: application/json" -d '{}'`,
  ].join('\n');
  return (
    <Card aria-labelledby="onboarding-title" data-state="onboarding" className="px-4 py-4">
      <h2 id="onboarding-title" className="text-base font-semibold">
        No events yet: how they arrive
      </h2>
      <p className="mt-1 max-w-3xl text-sm text-muted">
        Every figure below fills in the moment this app records its first view or invocation. There is no job to wait for.
      </p>
      <ol className="mt-3 grid gap-4 text-sm lg:grid-cols-2">
        <li className="min-w-0">
          <p className="font-medium">Write rows into the two tables</p>
          <p className="mt-1 text-muted">
            <code className="font-mono text-fg">view_events</code> (app_id, viewer_id, viewed_at) for page views and{' '}
            <code className="font-mono text-fg">route_invocations</code> (app_id, method, path, user_id, started_at, duration_ms,
            status_code, memory_peak_bytes, error) for server routes, with{' '}
            <code className="font-mono text-fg break-all">app_id = {appId}</code>.
          </p>
        </li>
        <li className="min-w-0">
          <div className="flex items-center justify-between gap-2">
            <p className="font-medium">Or send them over HTTP</p>
            <CopyButton text={curl} label="the curl command" />
          </div>
          <div role="region" aria-label="The curl command" tabIndex={0} className="mt-1 overflow-x-auto rounded-md bg-surface-muted">
            <code className={code}>{curl}</code>
          </div>
          <p className="mt-1 text-muted">
            Invocations go to <code className="font-mono text-fg">…/invocations</code> the same way. Create a token on your{' '}
            <Link href="/account" className="text-accent underline underline-offset-2">
              Account
            </Link>{' '}
            page (Create token); it sends events for apps where you are a member, an admin or the owner.
          </p>
        </li>
      </ol>
    </Card>
  );
}
