import type { ReactNode } from 'react';

const TONES = {
  neutral: 'border-line bg-surface-muted text-muted',
  accent: 'border-accent/40 text-accent',
  ok: 'border-ok/40 text-ok',
  warn: 'border-warn/40 text-warn',
  error: 'border-error/40 text-error',
} as const;

export type BadgeTone = keyof typeof TONES;

/** A small label; the text says what it means, the colour only repeats it. */
export function Badge({
  tone = 'neutral',
  mono = false,
  title,
  children,
}: {
  tone?: BadgeTone;
  mono?: boolean;
  title?: string;
  children: ReactNode;
}) {
  return (
    <span
      title={title}
      className={`inline-flex items-center whitespace-nowrap rounded border px-1.5 py-px text-xs font-medium ${mono ? 'font-mono' : ''} ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}
