// The application's parameter schema applied to a sweep: at series creation a bad value is a
// 422 naming line and key; in a preview the same findings are listed so the form can flag
// them before launch. One checker (sweep/schema-check.ts) serves both.
import { z } from '@hono/zod-openapi';
import type { ParameterSpec } from '../../core/parameter-schema.ts';
import { findApplication } from '../../db/applications.ts';
import type { Sweep } from '../../sweep/index.ts';
import { checkSweepAgainstSchema, type SchemaCheck } from '../../sweep/schema-check.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError } from '../errors.ts';

const IssueSchema = z.object({ line: z.number().int(), key: z.string(), message: z.string() });

export const SchemaFindingsSchema = z
  .object({
    errors: z
      .array(IssueSchema)
      .openapi({ description: 'Values the schema refuses: launching would answer 422' }),
    warnings: z.array(IssueSchema).openapi({ description: 'Keys the schema does not describe' }),
  })
  .openapi('SchemaFindings');

/** The named application's schema (null: it declares none); 422 when there is no such application. */
export async function applicationSchema(
  deps: Pick<ApiDeps, 'db'>,
  name: string,
): Promise<ParameterSpec[] | null> {
  const app = await findApplication(deps.db, name);
  if (!app) {
    throw new ApiError(422, 'unknown_application', `application '${name}' does not exist`, {
      field: 'application',
    });
  }
  return app.parameters;
}

const NO_FINDINGS: SchemaCheck = { errors: [], warnings: [] };

/** What the schema says of the sweep; nothing when the application declares no schema. */
export function schemaFindings(
  sweep: Sweep,
  schema: readonly ParameterSpec[] | null | undefined,
): SchemaCheck {
  return schema?.length ? checkSweepAgainstSchema(sweep, schema) : NO_FINDINGS;
}

/** Refuses a sweep with values the schema does not allow: 422 with the first one's line and key. */
export function refuseValuesOutsideSchema(
  sweep: Sweep,
  schema: readonly ParameterSpec[] | null | undefined,
  application: string,
): void {
  const { errors } = schemaFindings(sweep, schema);
  const [first] = errors;
  if (!first) return;
  const others = errors.length > 1 ? ` (and ${errors.length - 1} more keys)` : '';
  throw new ApiError(
    422,
    'invalid_parameter_value',
    `${first.message}${others}; the parameter schema of application '${application}' does not allow it`,
    { line: first.line, key: first.key, issues: errors },
  );
}
