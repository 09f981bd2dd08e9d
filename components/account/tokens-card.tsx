'use client';

import { Card, CardHeader } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { useNow } from '@/components/ui/use-now';
import { trpc } from '@/trpc/react';
import { TokenCreateForm } from './token-create-form';
import { TokenTable } from './token-table';

/** API tokens: the create form (the new token shown once), then every token of the user with Revoke. */
export function TokensCard() {
  const tokens = trpc.account.tokens.useQuery();
  const now = useNow(tokens.dataUpdatedAt || 0);
  return (
    <Card aria-labelledby="tokens-title" className="min-w-0 overflow-hidden">
      <CardHeader id="tokens-title" title="API tokens" />
      <p className="px-4 text-sm text-muted">
        Services call the REST API with a token of yours and get your access to each app. Tokens made with the CLI are listed too.
      </p>
      <div className="px-4 py-4">
        <TokenCreateForm />
      </div>
      <QueryView query={tokens} what="your tokens" skeleton={<TokensSkeleton />}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No tokens yet">A token you create shows here, with when it was last used.</EmptyState>
          ) : (
            <TokenTable tokens={list} now={now} />
          )
        }
      </QueryView>
    </Card>
  );
}

function TokensSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      {Array.from({ length: 3 }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
