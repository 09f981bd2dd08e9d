import { TableListSkeleton } from '@/components/tables/table-list-view';
import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-3" aria-busy="true">
      <p role="status" className="sr-only">
        Loading the tables…
      </p>
      <Skeleton className="h-5 w-24" />
      <Skeleton className="h-8 w-64 max-w-full" />
      <TableListSkeleton />
    </div>
  );
}
