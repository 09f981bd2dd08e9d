'use client';

import { Bar, BarChart } from 'recharts';
import { useHydrated } from './use-hydrated';

/** Seven tiny bars, oldest first; decorative (the figure beside it says the same in text). */
export function Sparkline({ counts }: { counts: number[] }) {
  const hydrated = useHydrated();
  const data = counts.map((count, index) => ({ index, count }));
  return (
    <div aria-hidden="true" className="h-7 w-24 shrink-0">
      {hydrated && (
        <BarChart
          width={96}
          height={28}
          data={data}
          margin={{ top: 1, right: 0, bottom: 0, left: 0 }}
          accessibilityLayer={false}
          barCategoryGap={2}
        >
          <Bar dataKey="count" fill="var(--chart-1)" minPointSize={1} isAnimationActive={false} />
        </BarChart>
      )}
    </div>
  );
}
