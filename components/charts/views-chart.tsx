'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDayLong, formatDayShort, formatNumber, plural } from '@/lib/format';
import { axisNumber, ChartFrame, tooltipStyle } from './chart-frame';

interface Point {
  label: string;
  full: string;
  views: number;
}

/** One sentence that tells what the bars show. */
export function viewsSummary(byDay: Array<{ day: string; count: number }>): string {
  const total = byDay.reduce((sum, d) => sum + d.count, 0);
  if (total === 0) return 'No views in the last 7 days.';
  const best = byDay.reduce((top, d) => (d.count > top.count ? d : top));
  return `${plural(total, 'view')} in the last 7 days, most on ${formatDayShort(best.day)} (${formatNumber(best.count)}).`;
}

/** Views per UTC day, oldest on the left; `byDay` comes newest first, as the API gives it. */
export function ViewsChart({ byDay }: { byDay: Array<{ day: string; count: number }> }) {
  const points: Point[] = [...byDay].reverse().map((d) => ({ label: formatDayShort(d.day), full: formatDayLong(d.day), views: d.count }));
  return (
    <ChartFrame label="Views by day, last 7 days" summary={viewsSummary(byDay)} height={220}>
      <BarChart responsive style={{ width: '100%', height: '100%' }} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: 'var(--border)' }} />
        <YAxis allowDecimals={false} width={44} tickLine={false} axisLine={false} tickFormatter={axisNumber} />
        <Tooltip
          {...tooltipStyle}
          labelFormatter={(_, payload) => (payload?.[0]?.payload as Point | undefined)?.full ?? ''}
          formatter={(value) => [formatNumber(Number(value)), 'Views']}
        />
        <Bar dataKey="views" name="Views" fill="var(--chart-1)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}
