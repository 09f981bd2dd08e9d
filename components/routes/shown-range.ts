import { resolveRange } from '@/lib/range';
import type { RangeParams } from '@/components/range/range-params';

/** The range the URL names with the defaults applied (the server's own rule), or null when it is not one (the query then shows the error). */
export function shownRange(params: RangeParams): { from: string; to: string; tz: string } | null {
  try {
    const { from, to, tz } = resolveRange(params, new Date(), false);
    return { from, to, tz };
  } catch {
    return null;
  }
}
