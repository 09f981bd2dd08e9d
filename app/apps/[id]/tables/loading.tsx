import { TableListSkeleton } from '@/components/tables/table-list-view';
import { LoadingNote, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-3" aria-busy="true">
      <LoadingNote label="Loading the tables…" />
      <Skeleton className="h-5 w-24" />
      <Skeleton className="h-8 w-64 max-w-full" />
      <TableListSkeleton />
    </div>
  );
}
