import type { MembershipDto, MeResponse } from '@parley/contracts';
import { createContext, useContext } from 'react';

export type WorkspaceContextValue = {
  me: MeResponse;
  membership: MembershipDto;
  workspaceId: string;
  /** Owner or admin: may manage people, teams and the workspace. */
  isManager: boolean;
  isOwner: boolean;
};

export const WorkspaceContext = createContext<WorkspaceContextValue | null>(null);

/** The current workspace and the signed-in person; only inside `/w/:workspaceId`. */
export function useWorkspace(): WorkspaceContextValue {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace() outside of a workspace route');
  return value;
}
