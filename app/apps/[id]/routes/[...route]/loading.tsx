import { RouteRangeSkeleton } from '@/components/routes/route-range-card';
import { LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <LoadingNote label="Loading the route…" />
      <div className="space-y-2">
        <Skeleton className="h-4 w-20" />
        <Skeleton className="h-7 w-72" />
      </div>
      <div className="space-y-4 rounded-xl border border-line bg-surface px-4 pb-4">
        <Skeleton className="mt-4 h-6 w-32" />
        <Skeleton className="h-14 w-full max-w-3xl" />
        <RouteRangeSkeleton />
      </div>
    </div>
  );
}
