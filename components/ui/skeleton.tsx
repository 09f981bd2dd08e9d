import type { CSSProperties } from 'react';

/** A grey placeholder block of the size of what will load; hidden from screen readers. */
export function Skeleton({ className = '', style }: { className?: string; style?: CSSProperties }) {
  return (
    <div aria-hidden="true" style={style} className={`animate-pulse rounded-md bg-skeleton motion-reduce:animate-none ${className}`} />
  );
}

/** Announces loading once for assistive technology while skeletons show. */
export function LoadingNote({ label }: { label: string }) {
  return (
    <p role="status" className="sr-only">
      {label}
    </p>
  );
}

/** A chart's box at the chart's height, with room for its caption. */
export function ChartSkeleton({ height, legend = false }: { height: number; legend?: boolean }) {
  return (
    <div>
      {legend && <Skeleton className="mb-2 h-4 w-40" />}
      <Skeleton className="w-full" style={{ height }} />
      <Skeleton className="mt-2 h-4 w-3/4" />
    </div>
  );
}
