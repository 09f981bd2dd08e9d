'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';

/** The token just made, shown this once: a read-only field, a Copy button and the warning that it will not be shown again. */
export function NewToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied('yes');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select it for the keyboard instead.
      field.current?.select();
      setCopied('no');
    }
  }

  return (
    <div role="region" aria-labelledby="new-token-title" className="rounded-lg border border-accent/40 bg-surface-muted p-4">
      <h3 id="new-token-title" className="font-semibold">
        Token “{name}” created
      </h3>
      <p className="mt-1 text-sm font-medium text-warn">
        <span aria-hidden="true">⚠ </span>
        Copy it now: it will not be shown again. Only a hash of it is stored.
      </p>
      <p className="mt-1 text-sm text-muted">
        Send it as <code className="break-all font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row">
        <label htmlFor="new-token" className="sr-only">
          New API token
        </label>
        <input
          ref={field}
          id="new-token"
          readOnly
          value={token}
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-line bg-surface px-3 py-2 font-mono text-sm text-fg"
        />
        <Button variant="primary" onClick={copy}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
      <p role="status" className="mt-2 text-sm text-muted">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'no'
            ? 'The clipboard is not available here: the token is selected, copy it with Ctrl+C.'
            : ''}
      </p>
    </div>
  );
}
