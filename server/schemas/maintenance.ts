import { z } from 'zod';

/** `stats:rebuild` / `stats:check`: one app (UUID or natural id), or every app when left out. */
export const StatsMaintenanceInput = z.strictObject({
  app: z.string().min(1).max(200).optional(),
});

/** `retention:apply`: drop the raw rows of every whole month older than `keepDays` days; `dryRun` only lists them. */
export const RetentionInput = z.strictObject({
  keepDays: z.number().int().min(1).max(36_500),
  dryRun: z.boolean().optional(),
});

/** `partitions:ensure`: create the partitions of this month and `monthsAhead` after it (default 3), and from `since` on. */
export const PartitionsInput = z.strictObject({
  monthsAhead: z.number().int().min(0).max(120).optional(),
  since: z.iso.date().optional(),
});
