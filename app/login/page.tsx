import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { safeNextPath } from '@/lib/safe-next';
import { currentUser } from '@/trpc/server';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <p className="mb-6 text-center text-lg font-semibold tracking-tight">
          <span aria-hidden="true" className="mr-1 text-accent">
            ▮
          </span>
          appstats
        </p>
        <section aria-labelledby="login-title" className="rounded-xl border border-line bg-surface p-6 shadow-sm">
          <h1 id="login-title" className="mb-1 text-xl font-semibold">
            Sign in
          </h1>
          <p className="mb-5 text-sm text-muted">Usage statistics of the apps you own or belong to.</p>
          <LoginForm next={next} />
        </section>
      </div>
    </main>
  );
}
