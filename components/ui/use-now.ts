'use client';

import { useCallback, useSyncExternalStore } from 'react';

/**
 * The current time in whole steps of `everyMs`, re-read every `everyMs`; `initial`
 * while hydrating, so the server's HTML and the first client render agree.
 * useSyncExternalStore rather than an effect that sets state: the clock is an
 * outside store, and React reads it without a second, cascading render.
 */
export function useNow<T extends number | null>(initial: T, everyMs = 15_000): number | T {
  const subscribe = useCallback(
    (onTick: () => void) => {
      const timer = setInterval(onTick, everyMs);
      return () => clearInterval(timer);
    },
    [everyMs],
  );
  return useSyncExternalStore<number | T>(
    subscribe,
    () => Math.floor(Date.now() / everyMs) * everyMs,
    () => initial,
  );
}
