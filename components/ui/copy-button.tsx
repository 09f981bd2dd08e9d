'use client';

import { useState } from 'react';

/** Copies `text` to the clipboard and says so ("Copied") for a moment; `label` names what it copies for screen readers. */
export function CopyButton({ text, label, children = 'Copy' }: { text: string; label: string; children?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button
      type="button"
      onClick={() => void copy()}
      aria-label={`${children} ${label}`}
      className="shrink-0 rounded-md border border-line bg-surface px-2 py-0.5 font-sans text-xs font-medium text-fg hover:bg-surface-muted"
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : children}</span>
    </button>
  );
}
