'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { FormMessage } from '@/components/ui/form';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { trpc } from '@/trpc/react';
import { AppDetailsCard } from './app-details-card';
import { MemberAddForm } from './member-add-form';
import { type Note, MemberTable } from './member-table';

export interface SettingsApp {
  name: string;
  visibility: 'private' | 'public';
}

/** /apps/{id}/settings: who has access (add, change, remove), then the app's name and visibility. */
export function SettingsView({ appId, app, me }: { appId: string; app: SettingsApp; me: string }) {
  const router = useRouter();
  const members = trpc.settings.members.useQuery({ appId });
  const [note, setNote] = useState<Note | null>(null);
  function noted(next: Note) {
    setNote(next);
    // A change to one's own membership may take this page away: read it again.
    if (next.self) router.refresh();
  }
  return (
    <div className="space-y-4">
      <Card aria-labelledby="members-title" className="min-w-0 overflow-hidden">
        <CardHeader id="members-title" title="Members" />
        <p className="px-4 text-sm text-muted">
          Viewers see the overview; members also the tables and API history; admins also this page. The owner keeps every right.
        </p>
        <div className="px-4 pt-4">
          <MemberAddForm appId={appId} onChanged={() => setNote(null)} />
        </div>
        <div className="px-4 pb-2">
          <FormMessage
            id="members-message"
            reserve={false}
            error={note && !note.ok ? note.text : null}
            done={note?.ok ? note.text : null}
          />
        </div>
        <QueryView query={members} what="the members" skeleton={<MembersSkeleton />}>
          {({ members: list }) => <MemberTable appId={appId} members={list} me={me} onNote={noted} />}
        </QueryView>
      </Card>
      <AppDetailsCard appId={appId} name={app.name} visibility={app.visibility} />
    </div>
  );
}

function MembersSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      {Array.from({ length: 4 }, (_, i) => (
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}
