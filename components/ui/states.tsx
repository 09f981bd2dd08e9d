import type { ReactNode } from 'react';
import { Button } from './button';

/** What shows when there is nothing yet, and when it will appear. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div data-state="empty" className="flex flex-col items-center justify-center gap-1 px-4 py-10 text-center">
      <p className="font-medium">{title}</p>
      {children && <p className="max-w-md text-sm text-muted">{children}</p>}
    </div>
  );
}

/** What failed, and a Retry button. */
export function ErrorState({
  what,
  message,
  onRetry,
  retrying = false,
}: {
  what: string;
  message?: string;
  onRetry: () => void;
  retrying?: boolean;
}) {
  return (
    <div role="alert" className="flex flex-col items-center justify-center gap-2 px-4 py-10 text-center">
      <p className="font-medium text-error">
        <span aria-hidden="true">⚠ </span>
        {what}
      </p>
      {message && <p className="max-w-md text-sm text-muted">{message}</p>}
      <Button onClick={onRetry} disabled={retrying}>
        {retrying ? 'Retrying…' : 'Retry'}
      </Button>
    </div>
  );
}

/** A caller on a page their role does not open (a reader on a write page, by default): who can grant it. */
export function NoAccess({
  what,
  children = 'Your role on this app lets you see its overview only. Ask an admin of this app for member access.',
}: {
  what: string;
  children?: ReactNode;
}) {
  return (
    <div data-state="no-access" className="rounded-xl border border-line bg-surface px-4 py-12 text-center">
      <h2 className="text-lg font-semibold">No access to {what}</h2>
      <p className="mx-auto mt-2 max-w-md text-sm text-muted">{children}</p>
    </div>
  );
}

/** A readable message for a failed query, without internals. */
export function failureMessage(error: { message?: string } | null | undefined): string {
  const message = error?.message ?? '';
  if (!message || message.length > 200 || message === 'Internal server error') return 'The server could not answer. It may be restarting.';
  return message;
}
