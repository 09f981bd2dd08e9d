'use client';

import { Button } from '@/components/ui/button';
import { formatNumber, formatRowCount } from '@/lib/format';
import { PAGE_SIZES } from '@/lib/paging';

/** The last page of `total` rows at `size` a page (1 when there are none). */
export function lastPageOf(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

/**
 * "Rows 26–50 of 1,250", first / previous / next / last, and the page size.
 * An estimated total reads "≈ 24.0 K" and its page count "≈ 960"; a sorted
 * grid pages by cursor (`keyset`), so it has no last page to jump to; a page
 * past the end says so instead of "Page 999 of 13".
 */
export function Pager({
  page,
  size,
  total,
  estimated,
  shown,
  busy,
  keyset,
  onPage,
  onSize,
}: {
  page: number;
  size: number;
  total: number;
  estimated: boolean;
  shown: number;
  busy: boolean;
  keyset?: { hasNext: boolean };
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}) {
  const lastPage = lastPageOf(total, size);
  const past = !keyset && !estimated && page > lastPage;
  // An estimated total may be short: then a full page means there may be more.
  const atEnd = keyset ? !keyset.hasNext : estimated ? shown < size : page >= lastPage;
  const from = shown === 0 ? 0 : (page - 1) * size + 1;
  const to = (page - 1) * size + shown;
  const range = shown === 0 ? 'No rows' : `Rows ${formatNumber(from)}–${formatNumber(to)}`;
  const pages = `${estimated ? '≈ ' : ''}${formatNumber(lastPage)}`;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 border-t border-line px-4 py-3 text-sm">
      <p role="status" aria-live="polite" className="tabular">
        {busy ? `Loading page ${formatNumber(page)}…` : `${range} of ${formatRowCount(total, estimated)}`}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2">
          <span className="text-muted">Rows per page</span>
          <select
            value={size}
            onChange={(event) => onSize(Number(event.target.value))}
            className="rounded-md border border-line bg-surface px-2 py-1"
          >
            {PAGE_SIZES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <nav aria-label="Pages" className="flex flex-wrap items-center gap-1">
          <Button size="sm" aria-label="First page" disabled={busy || page <= 1} onClick={() => onPage(1)}>
            «
          </Button>
          <Button size="sm" disabled={busy || page <= 1} onClick={() => onPage(past ? lastPage : page - 1)}>
            Previous
          </Button>
          <span
            className="tabular px-2 text-muted"
            title={estimated ? 'The page count is estimated from the planner’s row estimate' : undefined}
          >
            {past
              ? `Past the last page (${formatNumber(lastPage)})`
              : keyset
                ? `Page ${formatNumber(page)}`
                : `Page ${formatNumber(page)} of ${pages}`}
            {estimated && !keyset && <span className="sr-only"> (estimated)</span>}
          </span>
          <Button size="sm" disabled={busy || atEnd || past} onClick={() => onPage(page + 1)}>
            Next
          </Button>
          {!keyset && (
            <Button size="sm" aria-label="Last page" disabled={busy || page === lastPage} onClick={() => onPage(lastPage)}>
              »
            </Button>
          )}
        </nav>
      </div>
    </div>
  );
}
