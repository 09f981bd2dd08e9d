import { z } from 'zod';

// The data of each `stats` event of GET /api/apps/{id}/stats/live (CONTRACT §8
// "Live"): the server checks what it sends, the browser what it receives.

export const LiveStatsEvent = z.object({
  totalViews: z.number().int().nonnegative(),
  totalInvocations: z.number().int().nonnegative(),
});

export type LiveStatsEvent = z.infer<typeof LiveStatsEvent>;
