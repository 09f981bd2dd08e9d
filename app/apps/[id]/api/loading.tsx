import { ChartSkeleton, LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <LoadingNote label="Loading the API history…" />
      <div className="space-y-4 rounded-xl border border-line bg-surface px-4 pb-4">
        <Skeleton className="mt-4 h-6 w-40" />
        <ChartSkeleton height={220} legend />
        <ChartSkeleton height={140} />
      </div>
      <div className="space-y-2 rounded-xl border border-line bg-surface px-4 pb-4">
        <Skeleton className="mt-4 h-6 w-44" />
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-7 w-full" />
        ))}
      </div>
    </div>
  );
}
