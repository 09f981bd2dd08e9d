import { OverviewSkeleton } from '@/components/stats/overview-skeleton';

export default function Loading() {
  return <OverviewSkeleton />;
}
