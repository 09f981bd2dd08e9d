'use client';

import type { FormEvent } from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field, FormMessage, inputClass, mutationMessage } from '@/components/ui/form';
import { plural } from '@/lib/format';
import { errorCode } from '@/trpc/errors';
import { trpc } from '@/trpc/react';

/** Current and new password; on success every other session of the user ends and this one stays. */
export function PasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<{ field: 'current' | 'next' | null; message: string } | null>(null);
  const change = trpc.account.changePassword.useMutation({
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
    onError: (failure) => {
      const message = mutationMessage(failure);
      const field = /current password/i.test(message) ? 'current' : errorCode(failure) === 'BAD_REQUEST' ? 'next' : null;
      setError({ field, message });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    change.reset();
    if (!current) return setError({ field: 'current', message: 'Enter your current password.' });
    if (next.length < 8) return setError({ field: 'next', message: 'The new password needs at least 8 characters.' });
    setError(null);
    change.mutate({ currentPassword: current, newPassword: next });
  }

  const ended = change.data?.endedSessions;
  const done =
    ended === undefined
      ? null
      : `Password changed. ${ended === 0 ? 'No other session was open.' : `${plural(ended, 'other session')} signed out.`}`;
  return (
    <Card aria-labelledby="password-title">
      <CardHeader id="password-title" title="Change password" />
      <form onSubmit={submit} noValidate aria-labelledby="password-title" className="space-y-3 px-4 pb-4">
        <p className="text-sm text-muted">
          Every other browser and device signed in as you is signed out; this one stays. API tokens keep working.
        </p>
        <Field id="current-password" label="Current password">
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            aria-invalid={error?.field === 'current'}
            aria-describedby={error?.field === 'current' ? 'password-message' : undefined}
            className={inputClass}
          />
        </Field>
        <Field id="new-password" label="New password" hint="At least 8 characters.">
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            aria-invalid={error?.field === 'next'}
            aria-describedby={error?.field === 'next' ? 'new-password-hint password-message' : 'new-password-hint'}
            className={inputClass}
          />
        </Field>
        <Button type="submit" variant="primary" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </Button>
        <FormMessage id="password-message" error={error?.message ?? null} done={done} />
      </form>
    </Card>
  );
}
