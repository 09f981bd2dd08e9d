import { performance } from 'node:perf_hooks';

/** Durations of one operation, in milliseconds. */
export interface Samples {
  durations: number[];
}

/**
 * Runs `work` a few times untimed, then up to `max` times or until `seconds`
 * have passed (at least 3 samples), one after the other.
 */
export async function sample(work: () => Promise<unknown>, options: { max: number; seconds: number; warmup?: number }): Promise<Samples> {
  for (let i = 0; i < (options.warmup ?? 3); i++) await work();
  const durations: number[] = [];
  const deadline = performance.now() + options.seconds * 1000;
  while (durations.length < 3 || (durations.length < options.max && performance.now() < deadline)) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  return { durations };
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(samples: Samples, p: number): number {
  const sorted = [...samples.durations].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Milliseconds `work` takes, once. */
export async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Like `sample`, for several operations taken in turn: one sample of each per round. */
export async function sampleRoundRobin(works: Array<() => Promise<unknown>>, max: number, seconds: number): Promise<Samples[]> {
  const results = works.map(() => ({ durations: [] as number[] }));
  for (let i = 0; i < 3; i++) for (const work of works) await work();
  const deadline = performance.now() + seconds * 1000;
  for (let round = 0; round < 3 || (round < max && performance.now() < deadline); round++) {
    for (const [i, work] of works.entries()) {
      const start = performance.now();
      await work();
      results[i]?.durations.push(performance.now() - start);
    }
  }
  return results;
}
