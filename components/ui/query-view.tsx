'use client';

import type { ReactNode } from 'react';
import { LoadingNote } from './skeleton';
import { ErrorState, failureMessage } from './states';

/** The part of a React Query result the views need. */
export interface QueryLike<T> {
  data: T | undefined;
  error: { message?: string } | null;
  isFetching: boolean;
  refetch: () => unknown;
}

/**
 * Loading, error and ready in one place, marked with `data-state` for tests:
 * skeleton until the first answer, the error with a Retry when there is no
 * data to show, the data otherwise (kept on screen when a refresh fails).
 */
export function QueryView<T>({
  query,
  what,
  skeleton,
  children,
  className,
}: {
  query: QueryLike<T>;
  what: string;
  skeleton: ReactNode;
  children: (data: T) => ReactNode;
  className?: string;
}) {
  if (query.data !== undefined) {
    return (
      <div data-state="ready" className={className}>
        {query.error && !query.isFetching && (
          <p role="status" className="mb-2 text-xs text-warn">
            Could not refresh {what}; showing the last figures.{' '}
            <button type="button" className="underline underline-offset-2" onClick={() => query.refetch()}>
              Retry
            </button>
          </p>
        )}
        {children(query.data)}
      </div>
    );
  }
  if (query.error) {
    return (
      <div data-state="error" className={className}>
        <ErrorState
          what={`Could not load ${what}.`}
          message={failureMessage(query.error)}
          onRetry={() => query.refetch()}
          retrying={query.isFetching}
        />
      </div>
    );
  }
  return (
    <div data-state="loading" aria-busy="true" className={className}>
      <LoadingNote label={`Loading ${what}…`} />
      {skeleton}
    </div>
  );
}
