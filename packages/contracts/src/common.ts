import { z } from 'zod';

/** Ids are UUIDs everywhere. */
export const id = z.uuid();
export const isoDate = z.string().describe('ISO 8601 timestamp');

export const roleSchema = z.enum(['owner', 'admin', 'agent']);
export type Role = z.infer<typeof roleSchema>;

export const localeSchema = z.enum(['en', 'de']);
export type Locale = z.infer<typeof localeSchema>;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address' }));

/** NIST 800-63B: at least 10 characters, long passphrases allowed; the common-password check is server-side. */
export const passwordSchema = z
  .string()
  .min(10, { message: 'Use at least 10 characters' })
  .max(256, { message: 'Use at most 256 characters' });

export const personNameSchema = z.string().trim().min(1, { message: 'Enter a name' }).max(120);
export const workspaceNameSchema = z.string().trim().min(1, { message: 'Enter a name' }).max(120);

/** The one error envelope every route answers with. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
  /** On a conflict with an existing resource (e.g. `contact_exists`): that resource's id. */
  id: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorSchema>;

/** A field issue in `error.details.issues` for `validation_failed`. */
export type FieldIssue = { path: string; message: string };

export const workspaceParams = z.object({ workspaceId: id });
