'use client';

import { useEffect, useState } from 'react';
import { formatUtc } from '@/lib/format';

function ago(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min`;
}

/** "Updated 12 s ago", ticking each second; says so while a refresh is under way. */
export function UpdatedAgo({ updatedAt, fetching }: { updatedAt: number; fetching: boolean }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!updatedAt) return null;
  const seconds = now === null ? 0 : Math.max(0, Math.floor((now - updatedAt) / 1000));
  return (
    <span className="tabular whitespace-nowrap text-xs text-muted" title={`Last refreshed ${formatUtc(new Date(updatedAt), true)}`}>
      {fetching ? 'Refreshing…' : `Updated ${ago(seconds)} ago`}
    </span>
  );
}
