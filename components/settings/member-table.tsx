'use client';

import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { mutationMessage } from '@/components/ui/form';
import { formatUtc } from '@/lib/format';
import { type RouterOutputs, trpc } from '@/trpc/react';
import { type GivenRole, ROLE_CHOICES } from './roles';

type Member = RouterOutputs['settings']['members']['members'][number];

const th =
  'border-b border-line bg-surface-muted px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-muted whitespace-nowrap';
const td = 'h-12 border-b border-line px-3 py-2 align-middle whitespace-nowrap';
const select = 'rounded-md border border-line bg-surface px-2 py-1 text-sm text-fg';

/** One member's row: a role select that saves at once, and Remove with a confirmation. The owner's row has neither. */
function MemberRow({ appId, member, me, onNote }: { appId: string; member: Member; me: string; onNote: (note: Note) => void }) {
  const utils = trpc.useUtils();
  const [confirming, setConfirming] = useState(false);
  const settled = async (note: Note) => {
    await utils.settings.members.invalidate({ appId });
    onNote(note);
  };
  const change = trpc.settings.changeRole.useMutation({
    onSuccess: (saved) => settled({ ok: true, text: `${saved.username} is now ${saved.role}.`, self: saved.username === me }),
    onError: (failure) => onNote({ ok: false, text: `Could not change ${member.username}: ${mutationMessage(failure)}` }),
  });
  const remove = trpc.settings.removeMember.useMutation({
    onSuccess: (removed) => settled({ ok: true, text: `${removed.username} removed.`, self: removed.username === me }),
    onError: (failure) => onNote({ ok: false, text: `Could not remove ${member.username}: ${mutationMessage(failure)}` }),
    onSettled: () => setConfirming(false),
  });
  const owner = member.role === 'owner';
  return (
    <tr>
      <th scope="row" className={`${td} text-left font-medium`}>
        {member.username}
        {member.username === me && <span className="ml-1 font-normal text-muted">(you)</span>}
        {member.name && <span className="block text-xs font-normal text-muted">{member.name}</span>}
      </th>
      <td className={td}>
        {owner ? (
          <Badge tone="accent" title="The owner has every right on the app; this page cannot change that">
            owner
          </Badge>
        ) : (
          <select
            aria-label={`Role of ${member.username}`}
            value={member.role}
            disabled={change.isPending}
            onChange={(e) => change.mutate({ appId, username: member.username, role: e.target.value as GivenRole })}
            className={select}
          >
            {ROLE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </td>
      <td className={`${td} tabular`}>
        {member.addedAt ? (
          <time dateTime={member.addedAt} title={formatUtc(member.addedAt, true)}>
            {formatUtc(member.addedAt)}
          </time>
        ) : (
          <span className="text-muted">created the app</span>
        )}
      </td>
      <td className={`${td} text-right`}>
        {owner ? null : confirming ? (
          <span className="inline-flex gap-2">
            <Button
              size="sm"
              className="border-error/50 text-error"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ appId, username: member.username })}
            >
              {remove.isPending ? 'Removing…' : 'Confirm remove'}
              <span className="sr-only"> {member.username}</span>
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button size="sm" aria-label={`Remove ${member.username}`} onClick={() => setConfirming(true)}>
            Remove
          </Button>
        )}
      </td>
    </tr>
  );
}

export interface Note {
  ok: boolean;
  text: string;
  /** The change was to the caller's own membership: the page must be read again. */
  self?: boolean;
}

/** The owner, then every member: username, role, since when, Remove. */
export function MemberTable({
  appId,
  members,
  me,
  onNote,
}: {
  appId: string;
  members: Member[];
  me: string;
  onNote: (note: Note) => void;
}) {
  return (
    <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="Members">
      <table className="min-w-full border-separate border-spacing-0 text-sm">
        <caption className="sr-only">People with access to this app: the owner, then members by role. Times in UTC.</caption>
        <thead>
          <tr>
            <th scope="col" className={th}>
              Username
            </th>
            <th scope="col" className={th}>
              Role
            </th>
            <th scope="col" className={th}>
              Added
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <MemberRow key={member.userId} appId={appId} member={member} me={me} onNote={onNote} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
