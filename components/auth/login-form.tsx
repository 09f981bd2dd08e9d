'use client';

import type { FormEvent } from 'react';
import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { safeNextPath } from '@/lib/safe-next';
import { errorCode } from '@/trpc/errors';
import { trpc } from '@/trpc/react';

function describe(error: unknown): string {
  switch (errorCode(error)) {
    case 'UNAUTHORIZED':
      return 'Wrong username or password.';
    case 'TOO_MANY_REQUESTS':
      return 'Too many attempts. Wait a minute, then try again.';
    case 'SERVICE_UNAVAILABLE':
      return 'The service cannot reach its database right now. Try again shortly.';
    case 'BAD_REQUEST':
      return 'Enter both your username and your password.';
    default:
      return 'Signing in failed. Check your connection and try again.';
  }
}

const inputClass =
  'block w-full rounded-md border border-line bg-surface px-3 py-2 text-fg shadow-xs outline-none focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/40';

/** Username and password; on success, a full navigation to the page that was asked for. */
export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const signIn = trpc.auth.signIn.useMutation({
    onSuccess: () => window.location.assign(safeNextPath(next)),
    onError: (failure) => {
      setError(describe(failure));
      usernameRef.current?.focus();
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get('username') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!username || !password) {
      setError('Enter both your username and your password.');
      return;
    }
    setError(null);
    signIn.mutate({ username, password });
  }

  const busy = signIn.isPending || signIn.isSuccess;
  return (
    // method="post": a submit before hydration (slow script, script blocked) must not put the password in the URL, the history and the logs.
    <form method="post" onSubmit={submit} noValidate className="space-y-4" aria-describedby={error ? 'login-error' : undefined}>
      <div>
        <label htmlFor="username" className="mb-1 block text-sm font-medium">
          Username
        </label>
        <input ref={usernameRef} id="username" name="username" autoComplete="username" required autoFocus className={inputClass} />
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
      </div>
      <div aria-live="assertive" className="min-h-6">
        {error && (
          <p id="login-error" role="alert" className="text-sm font-medium text-error">
            {error}
          </p>
        )}
      </div>
      <Button type="submit" variant="primary" className="w-full" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
