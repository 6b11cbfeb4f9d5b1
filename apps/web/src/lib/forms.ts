import { i18n } from '../i18n';
import { ApiError } from './api';

/** Server messages of the shared zod schemas that have a translation under `validation.*`. */
const knownMessages: [RegExp, string][] = [
  [/^Enter a valid email address$/, 'validation.email'],
  [/^Use at least 10 characters$/, 'validation.passwordMin'],
  [/^Use at most \d+ characters$/, 'validation.tooLong'],
  [/^Enter a name$/, 'validation.name'],
  [/^Enter your name$/, 'validation.name'],
  [/^Enter your email address$/, 'validation.emailRequired'],
  [/^Choose a password$/, 'validation.passwordRequired'],
  [/^Enter the 6-digit code$/, 'validation.code'],
  [/^This invite is for another email address$/, 'validation.inviteEmail'],
  [/expected string to have >=1 characters?/, 'validation.required'],
  [/expected string to have <=\d+ characters?/, 'validation.tooLong'],
  [/^Invalid input: expected \w+, received undefined$/, 'validation.required'],
];

/** The message to show on a field: the translated error code (for e.g. wrong_password) or the issue. */
function issueMessage(code: string, message: string): string {
  if (code !== 'validation_failed' && i18n.exists(`errors.${code}`)) return i18n.t(`errors.${code}`);
  const known = knownMessages.find(([pattern]) => pattern.test(message));
  return known ? i18n.t(known[1]) : message;
}

/**
 * Field messages from `error.details.issues` keyed by field path (`email`, `userIds.0` …).
 * Any error code may carry issues (validation_failed, wrong_password, password_too_common …).
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const result: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path || '_';
    if (!(key in result)) result[key] = issueMessage(error.code, issue.message);
  }
  return result;
}

/** Field issues whose path is not one of the form's fields (shown in the form's alert). */
export function otherIssues(error: unknown, fields: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues
    .filter((issue) => !fields.some((field) => issue.path === field || issue.path.startsWith(`${field}.`)))
    .map((issue) => {
      const message = issueMessage(error.code, issue.message);
      return issue.path ? `${issue.path}: ${message}` : message;
    });
}
