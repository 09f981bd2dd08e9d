'use client';

import { type ReactNode, useEffect, useRef } from 'react';
import { useHydrated } from './use-hydrated';

/**
 * One tab stop per chart: Chromium tabs into every layer (`<g>`) of a focusable
 * Recharts surface, 5 to 7 stops a chart. The layers are taken out of the tab
 * order; the surface keeps its stop, and the arrow keys inside it move the tooltip.
 */
function useOneTabStop(hydrated: boolean) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = box.current;
    if (!root || !hydrated) return;
    const untab = () => {
      for (const layer of root.querySelectorAll('svg.recharts-surface g:not([tabindex])')) layer.setAttribute('tabindex', '-1');
    };
    untab();
    const observer = new MutationObserver(untab);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [hydrated]);
  return box;
}

/**
 * A chart's box of fixed height (no layout shift while Recharts waits for the
 * browser), labelled for screen readers, with its one-sentence summary in text.
 */
export function ChartFrame({
  label,
  summary,
  height,
  legend,
  zone = 'UTC',
  children,
}: {
  label: string;
  summary: string;
  height: number;
  legend?: ReactNode;
  /** The zone the chart's times are in (default UTC), named under it. */
  zone?: string;
  children: ReactNode;
}) {
  const hydrated = useHydrated();
  const box = useOneTabStop(hydrated);
  return (
    <figure role="group" aria-label={label} className="min-w-0">
      {legend}
      <div ref={box} className="w-full min-w-0" style={{ height }} data-chart-ready={hydrated ? 'true' : 'false'}>
        {hydrated ? children : null}
      </div>
      <figcaption className="mt-2 text-xs text-muted">
        {summary} <span className="whitespace-nowrap">All times {zone}.</span>
      </figcaption>
    </figure>
  );
}

/** Swatch and name of each series; colour is never the only cue (names sit beside the swatches). */
export function ChartLegend({ items }: { items: Array<{ label: string; color: string }> }) {
  return (
    <ul className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted">
      {items.map((item) => (
        <li key={item.label} className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: item.color }} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/** Tooltip colours from the design tokens, so it reads in light and dark. */
export const tooltipStyle = {
  contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)', fontSize: 12 },
  labelStyle: { color: 'var(--text)', fontWeight: 600 },
  itemStyle: { color: 'var(--text)' },
  cursor: { fill: 'var(--surface-muted)' },
} as const;

/** Short axis numbers: 1,200 → "1.2K". */
export function axisNumber(value: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}
