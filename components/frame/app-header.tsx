import { Badge } from '@/components/ui/badge';
import { canManageApp, roleLabel } from '@/lib/app-roles';
import { AppTabs } from './app-tabs';

export interface HeaderApp {
  id: string;
  naturalId: string;
  name: string;
  visibility: 'private' | 'public';
  role: string | null;
  canWrite: boolean;
  hasWorkspace: boolean;
}

/** App name, natural id, public badge and the caller's role; then the tabs. */
export function AppHeader({ app, routeId, platformAdmin = false }: { app: HeaderApp; routeId: string; platformAdmin?: boolean }) {
  return (
    <div className="pt-6">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h1 className="min-w-0 break-words text-2xl font-semibold tracking-tight">{app.name}</h1>
        <Badge mono title="Natural id">
          {app.naturalId}
        </Badge>
        {app.visibility === 'public' && (
          <Badge tone="accent" title="Anyone signed in can read this app's overview">
            public
          </Badge>
        )}
        <span className="text-sm text-muted">
          Your role: <span className="font-medium text-fg">{roleLabel(app.role, app.visibility, platformAdmin)}</span>
        </span>
      </div>
      <AppTabs routeId={routeId} canManage={canManageApp(app.role)} canWrite={app.canWrite} hasWorkspace={app.hasWorkspace} />
    </div>
  );
}
