'use client';

import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs`; fixed at `initial` until hydration so server and client agree. */
export function useNow(initial: number, everyMs = 15_000): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
