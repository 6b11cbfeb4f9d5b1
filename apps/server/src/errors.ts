import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, ResponseSerializationError } from 'fastify-type-provider-zod';

/**
 * Every error code Parley answers with, its HTTP status and the message a person reads.
 * docs/errors.md lists the same codes; a test fails when they disagree. Retired codes are never reused.
 */
export const errorCodes = {
  validation_failed: { status: 400, message: 'Some fields are not valid.' },
  bad_request: { status: 400, message: 'The request could not be understood.' },
  password_too_common: {
    status: 400,
    message: 'This password is too common. Choose a longer or less predictable one.',
  },
  invalid_totp_code: {
    status: 400,
    message: 'The code is not valid. Check your authenticator app and try again.',
  },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  invalid_credentials: { status: 401, message: 'Email or password is wrong.' },
  two_factor_required: { status: 401, message: 'Enter the code from your authenticator app.' },
  wrong_password: { status: 403, message: 'The current password is wrong.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  csrf_rejected: { status: 403, message: 'The request came from another site and was refused.' },
  invalid_setup_token: { status: 403, message: 'The setup token is wrong. It is printed in the server log.' },
  two_factor_setup_required: {
    status: 403,
    message: 'This workspace requires two-factor sign-in. Set it up in your security settings first.',
  },
  metrics_token_required: { status: 401, message: 'A valid metrics token is required.' },
  not_found: { status: 404, message: 'Not found.' },
  conflict: { status: 409, message: 'This conflicts with the current state.' },
  setup_completed: { status: 409, message: 'Parley is already set up. Sign in instead.' },
  email_taken: {
    status: 409,
    message: 'An account with this email exists. Sign in first, then accept the invite.',
  },
  team_name_taken: { status: 409, message: 'A team with this name exists already.' },
  label_name_taken: { status: 409, message: 'A label with this name exists already.' },
  contact_exists: { status: 409, message: 'A contact with this number exists already.' },
  attribute_key_taken: { status: 409, message: 'An attribute with this key exists already.' },
  contact_blocked: {
    status: 409,
    message: 'This contact is blocked: nothing is sent to them until they are unblocked.',
  },
  merge_conflict: {
    status: 409,
    message:
      'These contacts cannot be merged (the same contact, or both have conversations from their own numbers).',
  },
  invalid_attribute: { status: 400, message: 'A custom attribute value does not fit its type.' },
  csv_encoding: { status: 400, message: 'The file is not a CSV text file in a supported encoding.' },
  file_too_large: { status: 413, message: 'The file is too large.' },
  quick_reply_shortcut_taken: { status: 409, message: 'A quick reply with this shortcut exists already.' },
  already_assigned: { status: 409, message: 'Someone else has just taken this conversation.' },
  last_owner: { status: 409, message: 'A workspace needs at least one active owner.' },
  already_member: { status: 409, message: 'You are already a member of this workspace.' },
  two_factor_already_enabled: { status: 409, message: 'Two-factor sign-in is already on.' },
  two_factor_not_enabled: { status: 409, message: 'Two-factor sign-in is not on.' },
  channel_phone_taken: { status: 409, message: 'This phone number is already connected in this workspace.' },
  message_not_retryable: {
    status: 409,
    message: 'This message cannot be sent again. Write a new message or send a template.',
  },
  media_not_ready: { status: 409, message: 'This file cannot be sent: it is not stored or is already sent.' },
  invite_expired: { status: 410, message: 'This invite has expired or was already used. Ask for a new one.' },
  media_too_large: { status: 413, message: 'The file is larger than WhatsApp allows for its type.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  media_type_unsupported: {
    status: 415,
    message: 'WhatsApp does not accept this file type, or the file is not what its type says.',
  },
  whatsapp_credentials_rejected: {
    status: 422,
    message: 'WhatsApp did not accept these credentials. Check the phone number ID and the access token.',
  },
  reply_window_closed: {
    status: 422,
    message: 'The 24-hour window is closed. Send an approved template instead.',
  },
  template_not_approved: {
    status: 422,
    message: 'This number has no approved template with this name and language.',
  },
  template_variables_missing: {
    status: 422,
    message: 'Some placeholders of the template have no value.',
  },
  template_rules_broken: {
    status: 422,
    message: "The template breaks WhatsApp's rules; each issue names the field and the rule.",
  },
  template_exists: {
    status: 409,
    message: 'This number already has a template with this name and language.',
  },
  template_refused: {
    status: 422,
    message: 'WhatsApp refused the template. The details say why.',
  },
  template_sample_refused: {
    status: 422,
    message: "WhatsApp refused the header's sample file, or did not answer. The details say why.",
  },
  template_unsupported: {
    status: 422,
    message: 'Broadcasts cannot send this template yet (media header or button values).',
  },
  broadcast_state_invalid: {
    status: 409,
    message: 'The broadcast cannot do this in its current state.',
  },
  rate_limited: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  internal: { status: 500, message: 'Something went wrong on our side. The error was logged.' },
  whatsapp_unreachable: {
    status: 502,
    message: 'The WhatsApp Cloud API could not be reached. Try again shortly.',
  },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable. Try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** The one error type. Thrown anywhere; rendered by the one error handler. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
    message?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? errorCodes[code].message);
    this.status = errorCodes[code].status;
  }
}

export function notFound(): AppError {
  return new AppError('not_found');
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply.status(err.status).send({
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      requestId: String(request.id),
    },
    // The existing resource a conflict is about (e.g. contact_exists), also at the top for clients.
    ...(typeof err.details?.id === 'string' ? { id: err.details.id } : {}),
  });
}

/** Installs the error handler that render `{ error: { code, message, details, requestId } }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendError(reply, request, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => {
        const ctx = error.validationContext ?? 'body';
        const segments = v.instancePath.split('/').filter(Boolean);
        const fieldPath = [ctx, ...segments].join('.');
        return { path: fieldPath, message: v.message };
      });
      return sendError(reply, request, new AppError('validation_failed', { issues }));
    }
    if (error instanceof ResponseSerializationError) {
      request.log.error({ err: error }, 'response did not match its schema');
      return sendError(reply, request, new AppError('internal'));
    }
    const code = error.code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, request, new AppError('payload_too_large'));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendError(reply, request, new AppError('unsupported_media_type'));
    if (
      code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error instanceof SyntaxError
    ) {
      return sendError(reply, request, new AppError('bad_request', undefined, 'The body is not valid JSON.'));
    }
    if (error.statusCode === 429) return sendError(reply, request, new AppError('rate_limited'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(
        reply,
        request,
        new AppError('bad_request', undefined, 'The request could not be understood.'),
      );
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return sendError(reply, request, new AppError('service_unavailable'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, request, new AppError('internal'));
  });
}

function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '08006' ||
    code === '08001'
  );
}
