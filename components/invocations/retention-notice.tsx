'use client';

import { ZonedTime } from '@/components/errors/zoned-time';
import { trpc } from '@/trpc/react';

/**
 * Says from when raw invocations exist once retention (`retention:apply`)
 * has dropped older months: the log, the error groups and their samples read
 * raw rows and begin there, while totals and charts (rollups) still count
 * every dropped call. Renders nothing while retention dropped none.
 */
export function RetentionNotice({ appId, tz, what }: { appId: string; tz: string; what: string }) {
  const since = trpc.activity.rawSince.useQuery({ appId }, { staleTime: 60_000 });
  const at = since.data?.invocationsSince;
  if (!at) return null;
  return (
    <p className="px-4 pb-2 text-sm text-muted">
      Raw invocations before <ZonedTime at={at} tz={tz} named /> were removed by retention: {what} begin there, while totals and charts
      still count every call.
    </p>
  );
}
