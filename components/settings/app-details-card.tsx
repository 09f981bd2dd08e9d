'use client';

import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field, FormMessage, inputClass, mutationMessage } from '@/components/ui/form';
import { trpc } from '@/trpc/react';

type Visibility = 'private' | 'public';

const VISIBILITIES: ReadonlyArray<{ value: Visibility; label: string; means: string }> = [
  { value: 'private', label: 'Private', means: 'Only the owner and members can see the app.' },
  { value: 'public', label: 'Public', means: 'Everyone signed in can read its overview; tables and API history stay with members.' },
];

/** The app's name and visibility, each saved by its own button; the header above follows (router.refresh). */
export function AppDetailsCard({ appId, name, visibility }: { appId: string; name: string; visibility: Visibility }) {
  const router = useRouter();
  const utils = trpc.useUtils();
  const [draftName, setDraftName] = useState(name);
  const [draftVisibility, setDraftVisibility] = useState<Visibility>(visibility);
  const [nameError, setNameError] = useState<string | null>(null);
  const refreshed = () => Promise.all([utils.apps.invalidate(), Promise.resolve(router.refresh())]);
  const rename = trpc.settings.rename.useMutation({ onSuccess: refreshed, onError: (f) => setNameError(mutationMessage(f)) });
  const setVisibility = trpc.settings.setVisibility.useMutation({ onSuccess: refreshed });

  function submitName(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.reset();
    if (!draftName.trim()) return setNameError('The name must not be empty.');
    setNameError(null);
    rename.mutate({ appId, name: draftName.trim() });
  }

  function submitVisibility(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setVisibility.mutate({ appId, visibility: draftVisibility });
  }

  return (
    <Card aria-labelledby="app-details-title">
      <CardHeader id="app-details-title" title="App" />
      <div className="grid gap-6 px-4 pb-4 md:grid-cols-2">
        <form onSubmit={submitName} noValidate aria-label="App name" className="space-y-2">
          <Field id="app-name" label="Name" hint="The natural id in links stays as it is.">
            <input
              id="app-name"
              value={draftName}
              onChange={(e) => setDraftName(e.target.value)}
              maxLength={200}
              aria-invalid={nameError !== null}
              aria-describedby={nameError ? 'app-name-hint app-name-message' : 'app-name-hint'}
              className={inputClass}
            />
          </Field>
          <Button type="submit" disabled={rename.isPending}>
            {rename.isPending ? 'Saving…' : 'Save name'}
          </Button>
          <FormMessage id="app-name-message" error={nameError} done={rename.data ? `Renamed to ${rename.data.name}.` : null} />
        </form>
        <form onSubmit={submitVisibility} aria-label="App visibility" className="space-y-2">
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Visibility</legend>
            <div className="space-y-2">
              {VISIBILITIES.map((choice) => (
                <label
                  key={choice.value}
                  className="flex cursor-pointer items-start gap-2 rounded-md border border-line px-3 py-2 text-sm has-[:checked]:border-accent"
                >
                  <input
                    type="radio"
                    name="visibility"
                    value={choice.value}
                    checked={draftVisibility === choice.value}
                    onChange={() => setDraftVisibility(choice.value)}
                    className="mt-1 accent-[var(--accent)]"
                  />
                  <span>
                    <span className="font-medium">{choice.label}</span>
                    <span className="block text-muted">{choice.means}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <Button type="submit" disabled={setVisibility.isPending}>
            {setVisibility.isPending ? 'Saving…' : 'Save visibility'}
          </Button>
          <FormMessage
            id="visibility-message"
            error={setVisibility.error ? mutationMessage(setVisibility.error) : null}
            done={setVisibility.data ? `The app is now ${setVisibility.data.visibility}.` : null}
          />
        </form>
      </div>
    </Card>
  );
}
