const CLASSES = {
  2: { tone: 'border-ok/40 text-ok', icon: '✓', word: 'success' },
  3: { tone: 'border-line text-muted', icon: '↪', word: 'redirect' },
  4: { tone: 'border-warn/40 text-warn', icon: '!', word: 'client error' },
  5: { tone: 'border-error/40 text-error', icon: '✕', word: 'server error' },
} as const;

/** The HTTP status as a chip: colour by class, and an icon and words so colour is never the only cue. */
export function StatusChip({ code }: { code: number }) {
  const kind = CLASSES[Math.floor(code / 100) as keyof typeof CLASSES] ?? { tone: 'border-line text-muted', icon: '?', word: 'other' };
  return (
    <span
      title={`${code}: ${kind.word}`}
      className={`tabular inline-flex items-center gap-1 whitespace-nowrap rounded border px-1.5 py-px font-mono text-xs font-semibold ${kind.tone}`}
    >
      <span aria-hidden="true">{kind.icon}</span>
      {code}
      <span className="sr-only"> {kind.word}</span>
    </span>
  );
}
