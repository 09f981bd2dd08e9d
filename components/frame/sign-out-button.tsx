'use client';

import { Button } from '@/components/ui/button';
import { trpc } from '@/trpc/react';

/** Ends the session on the server, then leaves for the sign-in page. */
export function SignOutButton() {
  const signOut = trpc.auth.signOut.useMutation({ onSettled: () => window.location.assign('/login') });
  return (
    <Button size="sm" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
      Sign out
    </Button>
  );
}
