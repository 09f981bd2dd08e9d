import { z } from 'zod';

/** `stats:rebuild` / `stats:check`: one app (UUID or natural id), or every app when left out. */
export const StatsMaintenanceInput = z.strictObject({
  app: z.string().min(1).max(200).optional(),
});
