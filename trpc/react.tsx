'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { ReactNode } from 'react';
import { useState } from 'react';
import type { AppRouter } from '@/server/trpc/routers/_app';
import { createQueryClient } from './query-client';

/** The typed tRPC hooks of the pages (the router's types only; no server code reaches the browser). */
export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** tRPC and React Query for the client components of every page. */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  // The server refuses batches of more than 10 calls (CONTRACT §10): larger ones are split here.
  const [trpcClient] = useState(() => trpc.createClient({ links: [httpBatchLink({ url: '/api/trpc', maxItems: 10 })] }));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
