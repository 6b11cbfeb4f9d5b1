import { defaultHttpStatus, describeErrorCode, ERROR_CODES_HREF } from '@parley/whatsapp';
import { newTraceId } from './ids.js';

export type GraphErrorInit = {
  code: number;
  /** Human detail shown in `error_data.details`. */
  details?: string;
  /** Overrides `(#code) title`. */
  message?: string;
  subcode?: number;
  type?: string;
  httpStatus?: number;
  /** Leave out `error_data` (Graph-level errors such as 190 have none). */
  withoutErrorData?: boolean;
  isTransient?: boolean;
};

/** An error the Graph API answers with; rendered by `toGraphEnvelope`. */
export class GraphError extends Error {
  readonly code: number;
  readonly details?: string;
  readonly subcode?: number;
  readonly type: string;
  readonly httpStatus: number;
  readonly withoutErrorData: boolean;
  readonly isTransient?: boolean;

  constructor(init: GraphErrorInit) {
    super(init.message ?? `(#${init.code}) ${describeErrorCode(init.code).title}`);
    this.code = init.code;
    this.details = init.details;
    this.subcode = init.subcode;
    this.type = init.type ?? 'OAuthException';
    this.httpStatus = init.httpStatus ?? defaultHttpStatus(init.code);
    this.withoutErrorData = init.withoutErrorData ?? false;
    this.isTransient = init.isTransient;
  }
}

export type GraphErrorBody = {
  error: {
    message: string;
    type: string;
    code: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    error_subcode?: number;
    is_transient?: boolean;
    fbtrace_id: string;
  };
};

/** `{"error":{"message","type","code","error_data":{"messaging_product","details"},"error_subcode"?,"fbtrace_id"}}` */
export function toGraphEnvelope(error: GraphError): GraphErrorBody {
  const body: GraphErrorBody = {
    error: { message: error.message, type: error.type, code: error.code } as GraphErrorBody['error'],
  };
  if (!error.withoutErrorData) {
    body.error.error_data = {
      messaging_product: 'whatsapp',
      details: error.details ?? describeErrorCode(error.code).title,
    };
  }
  if (error.subcode !== undefined) body.error.error_subcode = error.subcode;
  if (error.isTransient !== undefined) body.error.is_transient = error.isTransient;
  body.error.fbtrace_id = newTraceId();
  return body;
}

/** The `errors[]` item used in status and value webhooks. */
export function toWebhookError(code: number, details?: string) {
  const title = describeErrorCode(code).title;
  return { code, title, message: title, error_data: { details: details ?? title }, href: ERROR_CODES_HREF };
}

/** `(#100) The parameter X is required.` */
export function missingParam(path: string): GraphError {
  return new GraphError({
    code: 100,
    message: `(#100) The parameter ${path} is required.`,
    details: `${path} is required`,
  });
}

/** `(#100) Param X must be at most N characters long.` */
export function tooLong(path: string, max: number): GraphError {
  return new GraphError({
    code: 100,
    message: `(#100) Param ${path} must be at most ${max} characters long.`,
    details: `${path} must be at most ${max} characters long`,
  });
}

/** 131008, a field inside the type object is missing. */
export function requiredMissing(path: string): GraphError {
  return new GraphError({ code: 131008, details: `The parameter ${path} is required.` });
}

/** 131009, a value is not acceptable. */
export function invalidValue(details: string): GraphError {
  return new GraphError({ code: 131009, details });
}

/** Graph's answer for an unknown or deleted object id. */
export function unknownObject(id: string, method = 'get'): GraphError {
  return new GraphError({
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    details: `Object with ID '${id}' does not exist`,
  });
}
