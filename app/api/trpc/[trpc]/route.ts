import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/trpc/routers/_app';
import { contextFromRequest } from '@/server/trpc/request-context';

export const dynamic = 'force-dynamic';

function handler(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ req: request, resHeaders }) => contextFromRequest(request.headers, resHeaders),
  });
}

export { handler as GET, handler as POST };
