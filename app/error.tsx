'use client';

import { ErrorState } from '@/components/ui/states';

/** A page outside the signed-in frame that failed on the server (the database unreachable, …). */
export default function RootError({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-4 py-24">
      <ErrorState what="This page could not be loaded." message="The server could not answer. It may be restarting." onRetry={reset} />
    </main>
  );
}
