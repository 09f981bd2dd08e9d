'use client';

import type { FormEvent } from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, FormMessage, inputClass, mutationMessage } from '@/components/ui/form';
import { trpc } from '@/trpc/react';
import { NewToken } from './new-token';

/** The form's own check, so the common slips are named before a round trip; the server checks again. */
function checkDays(text: string): string | null {
  if (text.trim() === '') return null;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    return 'Expires in days must be a whole number from 1 to 3650, or empty for no expiry.';
  return null;
}

/** Name and optional expiry; the new token shows once, above the form. What was typed stays when the server refuses. */
export function TokenCreateForm() {
  const utils = trpc.useUtils();
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = trpc.account.createToken.useMutation({
    onSuccess: () => {
      setName('');
      setDays('');
      return utils.account.tokens.invalidate();
    },
    onError: (failure) => setError(mutationMessage(failure)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = name.trim() === '' ? 'Give the token a name, e.g. the service that will use it.' : checkDays(days);
    setError(problem);
    if (problem) return;
    create.mutate({ name: name.trim(), ...(days.trim() ? { expiresInDays: Number(days) } : {}) });
  }

  return (
    <div className="space-y-4">
      {create.data && <NewToken key={create.data.id} name={create.data.name} token={create.data.token} onDone={() => create.reset()} />}
      <form onSubmit={submit} noValidate aria-labelledby="create-token-title" className="space-y-3">
        <h3 id="create-token-title" className="text-sm font-semibold">
          Create token
        </h3>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
          <Field id="token-name" label="Name" className="sm:w-72">
            <input
              id="token-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
              autoComplete="off"
              aria-invalid={error !== null && name.trim() === ''}
              aria-describedby={error ? 'token-error' : undefined}
              className={inputClass}
            />
          </Field>
          <Field id="token-days" label="Expires in days" hint="Optional; empty: never expires." className="sm:w-56">
            <input
              id="token-days"
              value={days}
              onChange={(e) => setDays(e.target.value)}
              inputMode="numeric"
              autoComplete="off"
              aria-invalid={error !== null && checkDays(days) !== null}
              aria-describedby={error ? 'token-days-hint token-error' : 'token-days-hint'}
              className={inputClass}
            />
          </Field>
          <Button type="submit" variant="primary" disabled={create.isPending} className="sm:mt-6">
            {create.isPending ? 'Creating…' : 'Create token'}
          </Button>
        </div>
        <FormMessage id="token-error" error={error} />
      </form>
    </div>
  );
}
