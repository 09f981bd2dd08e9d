'use client';

import { useEffect, useRef } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import type { GridColumn } from './rows-grid';

/** A value whole, as text to read and to copy: JSON pretty-printed, everything else as the API gives it. */
export function wholeValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

/**
 * One row in a side panel (a modal dialog): every value whole, words wrapped
 * whole, a copy button per value and one for the row as JSON. Esc or Close
 * closes it and focus returns to the row's button.
 */
export function RowDrawer({
  table,
  rowNumber,
  columns,
  row,
  onClose,
}: {
  table: string;
  rowNumber: number;
  columns: GridColumn[];
  row: Record<string, unknown>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const asJson = JSON.stringify(row, null, 2);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="row-drawer-title"
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialog.current) dialog.current?.close();
      }}
      className="fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-xl overflow-y-auto border-l border-line bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40"
    >
      <div className="sticky top-0 z-10 flex flex-wrap items-center justify-between gap-2 border-b border-line bg-surface px-4 py-3">
        <h2 id="row-drawer-title" className="min-w-0 text-base font-semibold break-words">
          Row {rowNumber} of <span className="font-mono">{table}</span>
        </h2>
        <div className="flex items-center gap-2">
          <CopyButton text={asJson} label={`row ${rowNumber} as JSON`}>
            Copy row as JSON
          </CopyButton>
          <button
            type="button"
            onClick={() => dialog.current?.close()}
            className="rounded-md border border-line px-2 py-0.5 text-sm font-medium hover:bg-surface-muted"
          >
            Close
          </button>
        </div>
      </div>
      <dl className="divide-y divide-line">
        {columns.map((column) => {
          const text = wholeValue(row[column.name]);
          return (
            <div key={column.name} className="px-4 py-3">
              <dt className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="min-w-0 break-words">
                  <span className="font-mono text-sm font-semibold">{column.name}</span>{' '}
                  <span className="font-mono text-xs text-muted">{column.type}</span>
                </span>
                {text !== null && <CopyButton text={text} label={`the value of ${column.name}`} />}
              </dt>
              <dd className="mt-1">
                {text === null ? (
                  <span className="italic text-muted">NULL</span>
                ) : text === '' ? (
                  <span className="text-muted">&quot;&quot; (empty text)</span>
                ) : (
                  <pre className="font-mono text-xs whitespace-pre-wrap break-words">{text}</pre>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </dialog>
  );
}
