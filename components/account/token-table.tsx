'use client';

import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { mutationMessage } from '@/components/ui/form';
import { formatRelative, formatUtc } from '@/lib/format';
import { type RouterOutputs, trpc } from '@/trpc/react';

type Token = RouterOutputs['account']['tokens'][number];

const th =
  'border-b border-line bg-surface-muted px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-muted whitespace-nowrap';
const td = 'h-12 border-b border-line px-3 py-2 align-middle whitespace-nowrap';

function Instant({ at, now, relative = false }: { at: string; now: number; relative?: boolean }) {
  return (
    <time dateTime={at} title={formatUtc(at, true)}>
      {relative ? formatRelative(at, now) : formatUtc(at)}
    </time>
  );
}

function State({ token }: { token: Token }) {
  if (token.state === 'revoked') {
    return (
      <Badge title={token.revokedAt ? `Revoked ${formatUtc(token.revokedAt, true)}` : undefined}>
        <span aria-hidden="true">⊘&nbsp;</span>Revoked
      </Badge>
    );
  }
  if (token.state === 'expired') {
    return (
      <Badge tone="warn">
        <span aria-hidden="true">◷&nbsp;</span>Expired
      </Badge>
    );
  }
  return (
    <Badge tone="ok">
      <span aria-hidden="true">●&nbsp;</span>Active
    </Badge>
  );
}

/** Revoke, then a second click to confirm (or Cancel): a token in use stops working at once. */
function RevokeButton({ token, onError }: { token: Token; onError: (message: string | null) => void }) {
  const utils = trpc.useUtils();
  const [confirming, setConfirming] = useState(false);
  const label = token.name ?? 'unnamed token';
  const revoke = trpc.account.revokeToken.useMutation({
    onSuccess: () => utils.account.tokens.invalidate(),
    onError: (failure) => onError(`Could not revoke “${label}”: ${mutationMessage(failure)}`),
    onSettled: () => setConfirming(false),
  });
  // A revoked or expired token cannot authenticate any more: nothing to stop.
  if (token.state !== 'active') return null;
  if (!confirming) {
    return (
      <Button size="sm" onClick={() => setConfirming(true)} aria-label={`Revoke ${label}`}>
        Revoke
      </Button>
    );
  }
  return (
    <span className="inline-flex gap-2">
      <Button
        size="sm"
        className="border-error/50 text-error"
        disabled={revoke.isPending}
        onClick={() => {
          onError(null);
          revoke.mutate({ id: token.id });
        }}
      >
        {revoke.isPending ? 'Revoking…' : `Confirm revoke`}
        <span className="sr-only"> of {label}</span>
      </Button>
      <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </span>
  );
}

/** Every token of the user, newest first: name, created, last used, expiry, state and Revoke. */
export function TokenTable({ tokens, now }: { tokens: Token[]; now: number }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      {error && (
        <p role="alert" className="px-4 pb-2 text-sm font-medium text-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="Your API tokens">
        <table className="min-w-full border-separate border-spacing-0 text-sm">
          <caption className="sr-only">Your API tokens, newest first. Times in UTC.</caption>
          <thead>
            <tr>
              {['Name', 'Created', 'Last used', 'Expires', 'Status'].map((column) => (
                <th key={column} scope="col" className={th}>
                  {column}
                </th>
              ))}
              <th scope="col" className={th}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <th scope="row" className={`${td} text-left font-medium`}>
                  {token.name ?? <span className="font-normal italic text-muted">unnamed (from the CLI)</span>}
                </th>
                <td className={`${td} tabular`}>
                  <Instant at={token.createdAt} now={now} />
                </td>
                <td className={`${td} tabular`}>
                  {token.lastUsedAt ? <Instant at={token.lastUsedAt} now={now} relative /> : <span className="text-muted">Never</span>}
                </td>
                <td className={`${td} tabular`}>
                  {token.expiresAt ? <Instant at={token.expiresAt} now={now} /> : <span className="text-muted">Never</span>}
                </td>
                <td className={td}>
                  <State token={token} />
                </td>
                <td className={`${td} text-right`}>
                  <RevokeButton token={token} onError={setError} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
