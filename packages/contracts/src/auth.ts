import { z } from 'zod';
import {
  emailSchema,
  id,
  isoDate,
  localeSchema,
  passwordSchema,
  personNameSchema,
  roleSchema,
  workspaceNameSchema,
} from './common.js';

export const setupStatusResponse = z.object({ setupRequired: z.boolean() });

export const setupRequest = z.object({
  setupToken: z.string().min(1).max(200),
  workspaceName: workspaceNameSchema,
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
  locale: localeSchema.optional(),
});
export type SetupRequest = z.infer<typeof setupRequest>;

export const signInRequest = z.object({
  email: emailSchema,
  password: z.string().min(1).max(256),
  totpCode: z
    .string()
    .regex(/^\d{6}$/, { message: 'Enter the 6-digit code' })
    .optional(),
  recoveryCode: z.string().trim().min(8).max(32).optional(),
  remember: z.boolean().optional(),
});
export type SignInRequest = z.infer<typeof signInRequest>;

export const userDto = z.object({
  id,
  name: z.string(),
  email: z.string(),
  locale: localeSchema.nullable(),
  twoFactorEnabled: z.boolean(),
  createdAt: isoDate,
});
export type UserDto = z.infer<typeof userDto>;

export const membershipDto = z.object({
  workspaceId: id,
  workspaceName: z.string(),
  role: roleSchema,
  /** true when the workspace requires 2FA and this person has not enabled it yet. */
  twoFactorSetupRequired: z.boolean(),
});
export type MembershipDto = z.infer<typeof membershipDto>;

export const meResponse = z.object({
  user: userDto,
  workspaces: z.array(membershipDto),
  sessionId: id,
});
export type MeResponse = z.infer<typeof meResponse>;

export const updateMeRequest = z.object({
  name: personNameSchema.optional(),
  locale: localeSchema.nullable().optional(),
});

export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});

export const sessionDto = z.object({
  id,
  current: z.boolean(),
  userAgent: z.string().nullable(),
  /** Truncated to /24 (IPv4) or /48 (IPv6) before it is stored. */
  ipPrefix: z.string().nullable(),
  createdAt: isoDate,
  lastSeenAt: isoDate,
  expiresAt: isoDate,
  remember: z.boolean(),
});
export type SessionDto = z.infer<typeof sessionDto>;
export const sessionListResponse = z.object({ sessions: z.array(sessionDto) });
export const sessionParams = z.object({ sessionId: id });

export const totpSetupResponse = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  /** An SVG QR code of otpauthUrl, rendered on the server (no third-party service). */
  qrSvg: z.string(),
});
export const totpEnableRequest = z.object({
  code: z.string().regex(/^\d{6}$/, { message: 'Enter the 6-digit code' }),
});
export const recoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
export const totpDisableRequest = z.object({ password: z.string().min(1).max(256) });
export const regenerateRecoveryCodesRequest = z.object({ password: z.string().min(1).max(256) });
