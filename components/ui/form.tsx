import type { ReactNode } from 'react';
import { errorCode } from '@/trpc/errors';

/** Text inputs and selects of every form: the tokens' colours, a visible focus ring. */
export const inputClass =
  'block h-10 w-full rounded-md border border-line bg-surface px-3 py-2 text-sm text-fg shadow-xs outline-none focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/40 aria-[invalid=true]:border-error';

/** A label above its control, with an optional muted hint tied to it by id. */
export function Field({
  id,
  label,
  hint,
  className = '',
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`min-w-0 ${className}`}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-muted">
          {hint}
        </p>
      )}
    </div>
  );
}

/**
 * Under a form: what went wrong (announced at once) or what was done
 * (announced politely). `reserve` keeps a line for it, so a message does not
 * push the page down when it appears.
 */
export function FormMessage({
  id,
  error,
  done,
  reserve = true,
}: {
  id: string;
  error: string | null;
  done?: string | null;
  reserve?: boolean;
}) {
  return (
    <div aria-live="polite" className={`text-sm ${reserve ? 'min-h-5' : ''}`}>
      {error ? (
        <p id={id} role="alert" className="font-medium text-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : done ? (
        <p id={id} className="font-medium text-ok">
          <span aria-hidden="true">✓ </span>
          {done}
        </p>
      ) : null}
    </div>
  );
}

/** A failed mutation in words: the server's own message (its field messages for a refused input), never internals. */
export function mutationMessage(error: unknown): string {
  const code = errorCode(error);
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : '';
  if (code === 'INTERNAL_SERVER_ERROR' || code === null || !text)
    return 'The server could not do this. Check your connection and try again.';
  if (code === 'BAD_REQUEST' && text.startsWith('[')) {
    try {
      const issues = JSON.parse(text) as Array<{ message?: string }>;
      const messages = issues.map((issue) => issue.message).filter(Boolean);
      if (messages.length > 0) return `${messages.join('; ')}.`;
    } catch {
      return 'Check the fields and try again.';
    }
  }
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
