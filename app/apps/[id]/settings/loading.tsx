import { LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <LoadingNote label="Loading the settings…" />
      <div className="space-y-3 rounded-xl border border-line bg-surface p-4">
        <Skeleton className="h-6 w-28" />
        <Skeleton className="h-16 w-full max-w-2xl" />
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-10 w-full" />
        ))}
      </div>
      <Skeleton className="h-56 w-full" />
    </div>
  );
}
