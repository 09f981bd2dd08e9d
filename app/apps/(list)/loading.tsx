import { AppCardsSkeleton } from '@/components/apps/app-cards';
import { LoadingNote } from '@/components/ui/skeleton';

// In a route group so the boundary wraps the list only: /apps/[id] must not
// start streaming before its layout has answered 404 for an unreadable app.
export default function Loading() {
  return (
    <div className="space-y-4 pt-6" aria-busy="true">
      <LoadingNote label="Loading your apps…" />
      <h1 className="text-2xl font-semibold tracking-tight">Apps</h1>
      <AppCardsSkeleton />
    </div>
  );
}
