'use client';

import { useState } from 'react';

const FORMATS = [
  { value: 'csv', label: 'CSV' },
  { value: 'ndjson', label: 'NDJSON' },
] as const;

type Format = (typeof FORMATS)[number]['value'];

/** The REST path that streams a whole workspace table (CONTRACT §8 "Export"). */
export function tableExportHref(appId: string, table: string, format: Format): string {
  return `/api/apps/${encodeURIComponent(appId)}/stats/tables/${encodeURIComponent(table)}/export?format=${format}`;
}

/**
 * `Download` of a whole workspace table as CSV or NDJSON: a plain link to the
 * export, so the browser streams it to a file (the session cookie goes with it)
 * and the page's memory never holds the table.
 */
export function TableDownload({ appId, table }: { appId: string; table: string }) {
  const [format, setFormat] = useState<Format>('csv');
  return (
    <span className="inline-flex items-center gap-1.5">
      <select
        aria-label="Download format"
        value={format}
        onChange={(event) => setFormat(event.target.value as Format)}
        className="rounded-md border border-line bg-surface px-1.5 py-0.5 text-sm text-fg"
      >
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <a
        href={tableExportHref(appId, table, format)}
        download
        className="rounded-md border border-line bg-surface px-2.5 py-0.5 text-sm font-medium text-fg hover:bg-surface-muted"
      >
        Download
      </a>
    </span>
  );
}
