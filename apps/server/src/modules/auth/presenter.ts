import type { MeResponse, SessionDto, UserDto } from '@parley/contracts';
import type { SessionRow, UserRow } from './sessions.js';

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    locale: u.locale === 'de' || u.locale === 'en' ? u.locale : null,
    twoFactorEnabled: !!u.totpEnabledAt,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toSessionDto(s: SessionRow, currentId: string): SessionDto {
  return {
    id: s.id,
    current: s.id === currentId,
    userAgent: s.userAgent,
    ipPrefix: s.ipPrefix,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    remember: s.remember,
  };
}

export function toMeResponse(
  u: UserRow,
  sessionId: string,
  workspaces: {
    workspaceId: string;
    workspaceName: string;
    role: 'owner' | 'admin' | 'agent';
    require2fa: boolean;
  }[],
): MeResponse {
  return {
    user: toUserDto(u),
    sessionId,
    workspaces: workspaces.map((w) => ({
      workspaceId: w.workspaceId,
      workspaceName: w.workspaceName,
      role: w.role,
      twoFactorSetupRequired: w.require2fa && !u.totpEnabledAt,
    })),
  };
}
