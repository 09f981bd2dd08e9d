'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink } from '@trpc/client';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { shouldRetry, trpc } from '@/lib/trpc';

/** Every figure refreshes by itself every 30 s and when the window regains focus. */
export const REFRESH_MS = 30_000;

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchInterval: REFRESH_MS,
        refetchOnWindowFocus: true,
        retry: shouldRetry,
      },
    },
  });
}

/** tRPC and React Query for the client components of every page. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  // The server refuses batches of more than 10 calls (CONTRACT §10): larger ones are split here.
  const [trpcClient] = useState(() => trpc.createClient({ links: [httpBatchLink({ url: '/api/trpc', maxItems: 10 })] }));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
