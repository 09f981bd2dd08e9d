import { LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <LoadingNote label="Loading the routes…" />
      <div className="space-y-3 rounded-xl border border-line bg-surface px-4 pb-4">
        <Skeleton className="mt-4 h-6 w-24" />
        <Skeleton className="h-14 w-full max-w-3xl" />
        <Skeleton className="h-5 w-80" />
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </div>
  );
}
