'use client';

import type { FormEvent } from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, FormMessage, inputClass, mutationMessage } from '@/components/ui/form';
import { trpc } from '@/trpc/react';
import { ROLE_CHOICES, type GivenRole } from './roles';

/** Username and role; what was typed stays when the server refuses (unknown user, already a member, the owner). */
export function MemberAddForm({ appId, onChanged }: { appId: string; onChanged: () => void }) {
  const utils = trpc.useUtils();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<GivenRole>('viewer');
  const [error, setError] = useState<string | null>(null);
  const add = trpc.settings.addMember.useMutation({
    onSuccess: async () => {
      setUsername('');
      await utils.settings.members.invalidate({ appId });
      onChanged();
    },
    onError: (failure) => setError(mutationMessage(failure)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    add.reset();
    const name = username.trim();
    if (!name) return setError('Enter the username of the person to add.');
    setError(null);
    add.mutate({ appId, username: name, role });
  }

  const done = add.data ? `${add.data.username} added as ${add.data.role}.` : null;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-member-title" className="space-y-2">
      <h3 id="add-member-title" className="text-sm font-semibold">
        Add member
      </h3>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field id="member-username" label="Username" className="sm:w-64">
          <input
            id="member-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error !== null}
            aria-describedby={error ? 'add-member-message' : undefined}
            className={inputClass}
          />
        </Field>
        <Field id="member-role" label="Role" className="sm:w-40">
          <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as GivenRole)} className={inputClass}>
            {ROLE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </Field>
        <Button type="submit" variant="primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add member'}
        </Button>
      </div>
      <FormMessage id="add-member-message" error={error} done={done} />
    </form>
  );
}
