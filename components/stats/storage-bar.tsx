import { formatBytes, formatNumber, formatPercent } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';

type Storage = RouterOutputs['stats']['overview']['storage'];

/** Amber over 80 %, red over 95 %, with words beside the colour. */
function level(percent: number): { bar: string; text: string; word: string } {
  if (percent > 95) return { bar: 'bg-error', text: 'text-error', word: 'nearly full' };
  if (percent > 80) return { bar: 'bg-warn', text: 'text-warn', word: 'filling up' };
  return { bar: 'bg-chart-1', text: 'text-muted', word: '' };
}

/** Workspace size against its quota, or a sentence when the app has no workspace. */
export function StorageBar({ storage }: { storage: Storage }) {
  if (!storage.hasWorkspace) {
    return (
      <p data-state="no-workspace" className="text-sm text-muted">
        This app has no workspace, so it keeps no tables of its own. Its quota would be {formatBytes(storage.quotaBytes)}.
      </p>
    );
  }
  const shown = Math.min(100, Math.max(0, storage.quotaPercent));
  const tone = level(storage.quotaPercent);
  const sentence = `${formatBytes(storage.schemaSize)} of ${formatBytes(storage.quotaBytes)} (${formatPercent(storage.quotaPercent)})`;
  return (
    <div>
      <p className="flex flex-wrap items-baseline justify-between gap-x-4 text-sm">
        <span className="tabular font-medium">{sentence}</span>
        <span className="text-muted">
          {storage.tableCount === 1 ? '1 table' : `${formatNumber(storage.tableCount)} tables`}, size incl. the migrations table
          {tone.word && <span className={`ml-2 font-medium ${tone.text}`}>{tone.word}</span>}
        </span>
      </p>
      <div
        role="meter"
        aria-label="Workspace storage used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown}
        aria-valuetext={sentence}
        className="mt-2 h-2.5 w-full overflow-hidden rounded-full bg-surface-muted"
      >
        <div className={`h-full rounded-full ${tone.bar}`} style={{ width: `${Math.max(shown, shown > 0 ? 0.5 : 0)}%` }} />
      </div>
    </div>
  );
}
