'use client';

import { useState } from 'react';

/** Long text cut to one line, with a button that shows all of it (and hides it again). */
export function ExpandableText({
  text,
  full = text,
  label,
  width = 'max-w-[18rem]',
}: {
  text: string;
  full?: string;
  label: string;
  width?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <span className="flex items-start gap-2">
      {open ? (
        <pre className="max-w-[40rem] whitespace-pre-wrap break-all font-mono text-xs">{full}</pre>
      ) : (
        <span className={`block truncate ${width}`}>{text}</span>
      )}
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="shrink-0 rounded px-1 font-sans text-xs text-accent underline underline-offset-2"
      >
        {open ? 'Show less' : 'Show all'}
        <span className="sr-only"> of {label}</span>
      </button>
    </span>
  );
}
