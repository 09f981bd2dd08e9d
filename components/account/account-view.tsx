import { PasswordCard } from './password-card';
import { SessionsCard } from './sessions-card';
import { TokensCard } from './tokens-card';

/** /account: the user's API tokens first (what they come for most), then password and sessions side by side. */
export function AccountView({ username }: { username: string }) {
  return (
    <div className="space-y-4 pt-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="text-sm text-muted">
          Signed in as <span className="font-medium text-fg">{username}</span>. All times UTC.
        </p>
      </div>
      <TokensCard />
      <div className="grid gap-4 md:grid-cols-2 md:items-start">
        <PasswordCard />
        <SessionsCard />
      </div>
    </div>
  );
}
