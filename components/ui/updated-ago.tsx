'use client';

import { useNow } from '@/components/ui/use-now';
import { formatUtc } from '@/lib/format';

function ago(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min`;
}

/** "Updated 12 s ago", ticking each second; says so while a refresh is under way. */
export function UpdatedAgo({ updatedAt, fetching }: { updatedAt: number; fetching: boolean }) {
  const now = useNow(null, 1000);
  if (!updatedAt) return null;
  const seconds = now === null ? 0 : Math.max(0, Math.floor((now - updatedAt) / 1000));
  return (
    <span className="tabular whitespace-nowrap text-xs text-muted" title={`Last refreshed ${formatUtc(new Date(updatedAt), true)}`}>
      {fetching ? 'Refreshing…' : `Updated ${ago(seconds)} ago`}
    </span>
  );
}
