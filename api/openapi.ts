// One way to make a router: an OpenAPIHono whose validation failures answer like every
// other error, so the OpenAPI document and the behaviour come from the same route table.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { ZodError } from 'zod';
import type { AppEnv } from './context.ts';
import { describeZodIssues } from './errors.ts';

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(invalidRequestBody(result.error), 400);
    },
  });
}

/** The 400 body of a request that fails validation (routes with their own hook fall back to it). */
export const invalidRequestBody = (error: ZodError) => ({
  error: { code: 'invalid_request', ...describeZodIssues(error) },
});

export const ErrorSchema = z
  .object({
    error: z
      .object({
        code: z.string().openapi({ example: 'invalid_request' }),
        message: z.string().openapi({ example: 'ini: required' }),
      })
      .catchall(z.unknown()),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorSchema } },
  description,
});

/** The error answers a route may give, for the OpenAPI document. */
export const errors = {
  400: errorResponse('Invalid input'),
  401: errorResponse('Not signed in'),
  403: errorResponse('Not allowed'),
  404: errorResponse('Not found'),
  409: errorResponse('Conflicts with the current state'),
  413: errorResponse('Body too large'),
  422: errorResponse('Refers to something that does not exist'),
  429: errorResponse('Too many attempts: wait for the seconds of the Retry-After header'),
  501: errorResponse('Not available in this deployment'),
  503: errorResponse('A backing service (Temporal, the database) does not answer'),
} as const;

export const pick = <K extends keyof typeof errors>(...codes: K[]) =>
  Object.fromEntries(codes.map((k) => [k, errors[k]])) as Pick<typeof errors, K>;

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  content: { 'application/json': { schema } },
  required: true,
  ...(description ? { description } : {}),
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/**
 * A 200 JSON answer whose text is already made (a kept aggregate: 1.3 MB that parsing and
 * serialising again would cost more than reading), typed as the route's schema says. The caller
 * vouches that `text` is that schema's JSON; the route's tests check it.
 */
export function jsonTextResponse<T>(c: Context, text: string): TypedResponse<T, 200, 'json'> {
  return c.body(text, 200, { 'content-type': 'application/json' }) as unknown as TypedResponse<
    T,
    200,
    'json'
  >;
}

/** Security requirement shared by every signed-in route. */
/**
 * A stored file's answers (files/serve.ts serves them): whole, the one byte range the `Range`
 * header asked for, or 416 when that range starts at or past the end.
 */
export function storedFileResponses(description: string, contentType = '*/*') {
  // Any bytes: a client that parses the file by its type (JSON, …) sees its content.
  const content = { [contentType]: { schema: z.unknown() } };
  return {
    200: { description, content },
    206: { description: 'The bytes the Range header asked for; Content-Range says which', content },
    416: { description: 'The Range starts at or past the end; Content-Range: bytes */SIZE' },
  };
}

/** The request header of a stored file's route: one range, `bytes=A-B`, `bytes=A-` or `bytes=-N`. */
export const RangeHeader = z.object({
  range: z.string().optional().openapi({
    description: 'One byte range: `bytes=A-B`, `bytes=A-` or `bytes=-N` (a malformed one is a 400)',
  }),
});

export const signedIn: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

interface DocumentOperation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Adds the answers that come from the app's middleware rather than from a route to every
 * operation they apply to, so that routes need not repeat them in `responses`. Under the API
 * prefix (api/auth.ts loadUser): 401 for a malformed or unknown bearer token, 403 for a
 * cookie sign-in without its CSRF token on a state-changing method. Anywhere: 400 from
 * createRouter's validation when there are parameters or a body, 413 from the body limit when
 * there is a body.
 */
export function withCommonErrors<T>(document: T, apiPrefix: string): T {
  const paths = (document as { paths?: Record<string, Record<string, DocumentOperation>> }).paths;
  const add = (operation: DocumentOperation, status: keyof typeof errors) => {
    const { description } = errors[status];
    operation.responses![status] ??= {
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  };
  for (const [path, item] of Object.entries(paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation?.responses) continue;
      if (path.startsWith(`${apiPrefix}/`)) {
        add(operation, 401);
        if (UNSAFE_METHODS.has(method)) add(operation, 403);
      }
      if (operation.parameters?.length || operation.requestBody) add(operation, 400);
      if (operation.requestBody) add(operation, 413);
    }
  }
  return document;
}
