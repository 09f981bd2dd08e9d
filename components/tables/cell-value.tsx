'use client';

import { ExpandableText } from '@/components/ui/expandable-text';

const LONG_TEXT = 60;
const TIMESTAMPTZ = 1184;
const ISO_UTC = /^(\d{4,}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z$/;

/**
 * One value as the API gives it: NULL in muted italics, an empty string as
 * a muted "" (never confused with NULL), long text and JSON cut to one line
 * with a control that shows the whole value; instants say UTC.
 */
export function CellValue({ value, label, oid }: { value: unknown; label: string; oid: number }) {
  if (value === null || value === undefined) {
    return <span className="font-sans italic text-muted">NULL</span>;
  }
  if (value === '') {
    return (
      <span className="text-muted" title="Empty text">
        &quot;&quot;<span className="sr-only"> (empty text)</span>
      </span>
    );
  }
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    if (text.length <= LONG_TEXT) return <span className="whitespace-nowrap">{text}</span>;
    return <ExpandableText text={text} full={JSON.stringify(value, null, 2)} label={label} />;
  }
  const text = String(value);
  // timestamptz arrives as ISO 8601 in UTC; it reads as "2024-02-23 14:30:00.000 UTC", nothing lost.
  const instant = oid === TIMESTAMPTZ ? ISO_UTC.exec(text) : null;
  if (instant) return <span className="whitespace-nowrap">{`${instant[1]} ${instant[2]} UTC`}</span>;
  if (text.length > LONG_TEXT || text.includes('\n')) return <ExpandableText text={text} label={label} />;
  return <span className="whitespace-nowrap">{text}</span>;
}
