import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { safeNextPath } from '@/lib/safe-next';
import { currentUser, readableApps } from '@/trpc/server';
import { TopBar } from './top-bar';

/**
 * The frame of every signed-in page (/apps…, /account): skip link, top bar and
 * the centred main column. A visitor without a valid session goes to /login
 * and comes back to the page asked for.
 */
export async function SignedInFrame({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) {
    // proxy.ts passes the path asked for; it sends visitors without any cookie to /login itself.
    const asked = safeNextPath((await headers()).get('x-appstats-path'));
    redirect(`/login?next=${encodeURIComponent(asked)}`);
  }
  const apps = await readableApps();
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-surface focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <TopBar username={user.username} apps={apps.map(({ id, naturalId, name }) => ({ id, naturalId, name }))} />
      <main id="main" className="mx-auto w-full max-w-[1200px] px-4 pb-16">
        {children}
      </main>
    </>
  );
}
