import { z } from 'zod';
import {
  emailSchema,
  id,
  isoDate,
  passwordSchema,
  personNameSchema,
  roleSchema,
  workspaceNameSchema,
} from './common.js';

export const workspaceDto = z.object({
  id,
  name: workspaceNameSchema,
  require2fa: z.boolean(),
  /** Tell customers when the team has read their messages (WhatsApp blue ticks). Off by default. */
  sendReadReceipts: z.boolean(),
  createdAt: isoDate,
});
export type WorkspaceDto = z.infer<typeof workspaceDto>;

export const createWorkspaceRequest = z.object({ name: workspaceNameSchema });
export const updateWorkspaceRequest = z.object({
  name: workspaceNameSchema.optional(),
  /** Owners only. */
  require2fa: z.boolean().optional(),
  sendReadReceipts: z.boolean().optional(),
});

export const memberDto = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(['active', 'deactivated']),
  twoFactorEnabled: z.boolean(),
  teamIds: z.array(id),
  joinedAt: isoDate,
  lastSeenAt: isoDate.nullable(),
});
export type MemberDto = z.infer<typeof memberDto>;
export const memberListResponse = z.object({ members: z.array(memberDto) });
export const memberParams = z.object({ workspaceId: id, userId: id });
export const updateMemberRequest = z.object({ role: roleSchema });

export const inviteDto = z.object({
  id,
  email: z.string().nullable(),
  role: roleSchema,
  invitedBy: z.string(),
  createdAt: isoDate,
  expiresAt: isoDate,
});
export type InviteDto = z.infer<typeof inviteDto>;
export const inviteListResponse = z.object({ invites: z.array(inviteDto) });
export const createInviteRequest = z.object({
  role: roleSchema,
  email: emailSchema.optional(),
});
/** The link is shown once; only a hash of its token is stored. */
export const createInviteResponse = inviteDto.extend({ url: z.string(), token: z.string() });
export const inviteParams = z.object({ workspaceId: id, inviteId: id });

export const inviteTokenParams = z.object({ token: z.string().min(20).max(100) });
export const invitePreviewResponse = z.object({
  workspaceName: z.string(),
  role: roleSchema,
  email: z.string().nullable(),
  invitedBy: z.string(),
  expiresAt: isoDate,
});
/** Signed in: body may be empty (joins as the current person). Otherwise name + email + password create the account. */
export const acceptInviteRequest = z.object({
  name: personNameSchema.optional(),
  email: emailSchema.optional(),
  password: passwordSchema.optional(),
});
export const acceptInviteResponse = z.object({ workspaceId: id });

export const teamDto = z.object({
  id,
  name: z.string(),
  description: z.string(),
  memberIds: z.array(id),
  createdAt: isoDate,
});
export type TeamDto = z.infer<typeof teamDto>;
export const teamListResponse = z.object({ teams: z.array(teamDto) });
export const teamParams = z.object({ workspaceId: id, teamId: id });
export const createTeamRequest = z.object({
  name: z.string().trim().min(1, { message: 'Enter a name' }).max(80),
  description: z.string().trim().max(500).optional(),
});
export const updateTeamRequest = createTeamRequest.partial();
export const setTeamMembersRequest = z.object({ userIds: z.array(id).max(10_000) });

export const auditEventDto = z.object({
  id: z.number().int(),
  type: z.string(),
  actorId: id.nullable(),
  actorName: z.string().nullable(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  ipPrefix: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
});
export const auditListQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const auditListResponse = z.object({
  events: z.array(auditEventDto),
  chainValid: z.boolean(),
});

export { passwordSchema, personNameSchema };
