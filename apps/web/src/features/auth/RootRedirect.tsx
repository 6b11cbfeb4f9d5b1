import { Navigate } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { FullPageLoader } from '../../components/FullPageLoader';
import { useMe, useSetupStatus } from './api';

/** `/`: setup when the server is new, sign-in when signed out, else the last (or first) workspace. */
export function RootRedirect() {
  const status = useSetupStatus();
  const me = useMe();
  if (status.isPending || (me.isPending && !status.data?.setupRequired)) return <FullPageLoader />;
  if (status.data?.setupRequired) return <Navigate to="/setup" replace />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <Navigate to="/signin" replace />;
  const workspaces = me.data.workspaces;
  if (workspaces.length === 0) return <Navigate to="/welcome" replace />;
  const last = readLastWorkspace();
  const target = workspaces.find((workspace) => workspace.workspaceId === last) ?? workspaces[0]!;
  return <Navigate to={`/w/${target.workspaceId}/inbox`} replace />;
}

const lastWorkspaceKey = 'parley-last-workspace';

export function rememberWorkspace(workspaceId: string): void {
  try {
    localStorage.setItem(lastWorkspaceKey, workspaceId);
  } catch {
    // storage blocked: the first workspace is used
  }
}

function readLastWorkspace(): string | null {
  try {
    return localStorage.getItem(lastWorkspaceKey);
  } catch {
    return null;
  }
}
