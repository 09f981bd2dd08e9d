'use client';

import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { FormMessage, mutationMessage } from '@/components/ui/form';
import { plural } from '@/lib/format';
import { trpc } from '@/trpc/react';

/** Sign out everywhere: ends every other session of the user at once; this browser stays signed in. */
export function SessionsCard() {
  const signOut = trpc.account.signOutEverywhere.useMutation();
  const ended = signOut.data?.endedSessions;
  const done = ended === undefined ? null : ended === 0 ? 'No other session was open.' : `Signed out of ${plural(ended, 'other session')}.`;
  return (
    <Card aria-labelledby="sessions-title">
      <CardHeader id="sessions-title" title="Sessions" />
      <div className="space-y-3 px-4 pb-4">
        <p className="text-sm text-muted">
          Left yourself signed in on another computer? End every other session at once; this one stays signed in.
        </p>
        <Button onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {signOut.isPending ? 'Signing out…' : 'Sign out everywhere'}
        </Button>
        <FormMessage id="sessions-message" error={signOut.error ? mutationMessage(signOut.error) : null} done={done} />
      </div>
    </Card>
  );
}
