import { LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4 pt-6" aria-busy="true">
      <LoadingNote label="Loading your account…" />
      <Skeleton className="h-8 w-40" />
      <div className="space-y-3 rounded-xl border border-line bg-surface p-4">
        <Skeleton className="h-6 w-32" />
        <Skeleton className="h-16 w-full max-w-2xl" />
        {Array.from({ length: 3 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <Skeleton className="h-64 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    </div>
  );
}
