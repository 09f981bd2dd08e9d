'use client';

import { ErrorState } from '@/components/ui/states';

/** A page that failed to render on the server (database unreachable, …): what failed and a Retry. */
export default function AppsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="py-12">
      <ErrorState what="This page could not be loaded." message="The server could not answer. It may be restarting." onRetry={reset} />
    </div>
  );
}
