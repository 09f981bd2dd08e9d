import Link from 'next/link';
import { AppSwitcher, type SwitcherApp } from './app-switcher';
import { SignOutButton } from './sign-out-button';

/** Product name, the app switcher, who is signed in (linking to their account), and Sign out. */
export function TopBar({ username, apps }: { username: string; apps: SwitcherApp[] }) {
  return (
    <header className="border-b border-line bg-surface">
      <div className="mx-auto flex max-w-[1200px] flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2.5">
        <Link href="/apps" className="mr-1 font-semibold tracking-tight">
          <span aria-hidden="true" className="mr-1 text-accent">
            ▮
          </span>
          appstats
        </Link>
        <div className="order-last w-full sm:order-none sm:w-auto">
          <AppSwitcher apps={apps} />
        </div>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="max-w-[10rem] truncate text-muted" title={`Signed in as ${username}`}>
            <span className="sr-only">Signed in as </span>
            {username}
          </span>
          <Link href="/account" className="rounded font-medium text-accent underline-offset-2 hover:underline">
            Account
          </Link>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
