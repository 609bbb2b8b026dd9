// Every error the API answers is JSON `{error:{code, message, …}}` with the right status,
// never a stack trace. Handlers throw ApiError; one onError turns anything into that shape.
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { InvalidRequestError, NotFoundError } from '../core/errors.ts';
import type { Logger } from '../log.ts';
import { SweepError } from '../sweep/index.ts';

export interface ErrorBody {
  error: { code: string; message: string; [extra: string]: unknown };
}

export class ApiError extends HTTPException {
  readonly code: string;
  readonly extra: Record<string, unknown>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(status, { message });
    this.code = code;
    this.extra = extra;
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>) =>
  new ApiError(400, 'invalid_request', message, extra);
export const unauthorized = (message = 'sign in or send `Authorization: Bearer <token>`') =>
  new ApiError(401, 'unauthorized', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, extra?: Record<string, unknown>) =>
  new ApiError(409, 'conflict', message, extra);

/** Zod issues as one readable line plus a machine-readable list. */
export function describeZodIssues(error: ZodError): {
  message: string;
  issues: Array<{ path: string; message: string }>;
} {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return { message: message || 'invalid request', issues };
}

/** The JSON answer for an error thrown anywhere in a request. */
export function errorResponse(error: unknown): {
  status: ContentfulStatusCode;
  body: ErrorBody;
  unexpected: boolean;
} {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.extra } },
      unexpected: false,
    };
  }
  if (error instanceof InvalidRequestError) {
    return {
      status: 400,
      body: { error: { code: 'invalid_request', message: error.message } },
      unexpected: false,
    };
  }
  if (error instanceof NotFoundError) {
    return { status: 404, body: { error: { code: 'not_found', message: error.message } }, unexpected: false };
  }
  if (error instanceof SweepError) {
    const { code, line, column, message } = error;
    return {
      status: 400,
      body: { error: { code: 'invalid_ini', message, line, column, reason: code } },
      unexpected: false,
    };
  }
  if (error instanceof ZodError) {
    return {
      status: 400,
      body: { error: { code: 'invalid_request', ...describeZodIssues(error) } },
      unexpected: false,
    };
  }
  if (error instanceof HTTPException) {
    // Hono's own exceptions: malformed JSON (400), unsupported media type (415), …
    const code =
      error.status === 413
        ? 'too_large'
        : error.status === 415
          ? 'unsupported_media_type'
          : 'invalid_request';
    return {
      status: error.status,
      body: { error: { code, message: error.message || 'bad request' } },
      unexpected: false,
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } }, unexpected: true };
}

export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error, c: Context) => {
    const { status, body, unexpected } = errorResponse(error);
    if (unexpected) logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(body, status);
  };
}
