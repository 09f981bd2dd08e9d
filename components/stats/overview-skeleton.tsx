import { ChartSkeleton, LoadingNote, Skeleton } from '@/components/ui/skeleton';

/** Eight card-sized placeholders in the cards' own grid. */
export function CardsSkeleton() {
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="rounded-xl border border-line bg-surface px-4 py-3">
          <Skeleton className="h-5 w-20" />
          <Skeleton className="mt-1 h-8 w-24" />
          <Skeleton className="mt-0.5 h-4 w-full max-w-40" />
        </div>
      ))}
    </div>
  );
}

/** The storage line and bar. */
export function StorageSkeleton() {
  return (
    <div>
      <Skeleton className="h-5 w-56" />
      <Skeleton className="mt-2 h-2.5 w-full" />
    </div>
  );
}

/** The whole overview, for the route's loading.tsx. */
export function OverviewSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true">
      <LoadingNote label="Loading the overview…" />
      <div className="flex min-h-5 items-center justify-between">
        <h2 className="text-base font-semibold">Overview</h2>
      </div>
      <CardsSkeleton />
      <div className="grid items-start gap-4 lg:grid-cols-5">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <div className="rounded-xl border border-line bg-surface px-4 pb-4">
            <Skeleton className="mt-4 mb-2 h-6 w-32" />
            <ChartSkeleton height={220} />
          </div>
          <div className="rounded-xl border border-line bg-surface px-4 pb-4">
            <Skeleton className="mt-4 mb-2 h-6 w-20" />
            <StorageSkeleton />
          </div>
        </div>
        <div className="min-w-0 rounded-xl border border-line bg-surface px-4 pb-4 lg:col-span-3">
          <Skeleton className="mt-4 mb-2 h-6 w-40" />
          <ChartSkeleton height={220} legend />
          <Skeleton className="mt-5 mb-1 h-5 w-32" />
          <ChartSkeleton height={140} />
        </div>
      </div>
    </div>
  );
}
