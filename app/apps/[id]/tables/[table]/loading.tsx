import { RowsSkeleton } from '@/components/tables/rows-grid';
import { LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-3" aria-busy="true">
      <LoadingNote label="Loading the rows…" />
      <Skeleton className="h-5 w-24" />
      <Skeleton className="h-7 w-48" />
      <div className="rounded-xl border border-line bg-surface">
        <RowsSkeleton rows={12} />
      </div>
    </div>
  );
}
