'use client';

import { ApiRangeCard } from './api-range-card';
import { InvocationLog } from './invocation-log';

/** The API page: the range's invocations and duration percentiles (GET /stats/range), then the log of the same range with its filters. */
export function ApiView({ appId }: { appId: string }) {
  return (
    <div className="space-y-4">
      <ApiRangeCard appId={appId} />
      <InvocationLog appId={appId} />
    </div>
  );
}
