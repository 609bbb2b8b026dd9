// The `parameters` of an application, validated before it is stored: each entry's own shape
// (types, finite bounds, enum values) and its consistency (min ≤ max, an enum has values, the
// default fits). A schema that fails answers 422 naming the field, e.g. `parameters.2.max`.
import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import {
  PARAMETER_SCHEMA_LIMITS as LIMITS,
  PARAMETER_TYPES,
  valueProblem,
  type ParameterSpec,
} from '../core/parameter-schema.ts';
import { hasControlCharacters } from '../core/text.ts';
import { describeZodIssues } from './errors.ts';

const oneLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacters(s), 'one line without control characters');

const ParameterSpecSchema = z
  .object({
    name: oneLine(LIMITS.nameLength)
      .regex(/^[^\s=]+$/, 'a parameter name as the sweep writes it: `section.key` or `key`')
      .openapi({ example: 'model.a' }),
    type: z.enum(PARAMETER_TYPES),
    min: z.number().optional().openapi({ description: 'Inclusive lower bound (int, float)' }),
    max: z.number().optional().openapi({ description: 'Inclusive upper bound (int, float)' }),
    values: z
      .array(oneLine(LIMITS.valueLength).min(1))
      .min(1)
      .max(LIMITS.enumValues)
      .optional()
      .openapi({ description: 'The allowed values of an enum' }),
    unit: oneLine(LIMITS.unitLength).optional().openapi({ example: 'ms' }),
    description: z.string().max(LIMITS.descriptionLength).optional(),
    default: z.union([oneLine(LIMITS.valueLength), z.number(), z.boolean()]).optional(),
  })
  .strict()
  .superRefine(checkConsistency)
  .openapi('ParameterSpec');

export const ParametersSchema = z
  .array(ParameterSpecSchema)
  .max(LIMITS.parameters)
  .superRefine((specs, ctx) => {
    const seen = new Set<string>();
    specs.forEach((spec, i) => {
      if (seen.has(spec.name)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${spec.name} is described twice` });
      }
      seen.add(spec.name);
    });
  })
  .openapi({
    description:
      'Optional typed schema of the parameters: the form shows description and unit, and values ' +
      'of the wrong type, out of range or not in an enum are refused before launch (docs/parameter-schema.md)',
  });

function checkConsistency(spec: ParameterSpec, ctx: z.RefinementCtx): void {
  const issue = (field: keyof ParameterSpec, message: string) =>
    ctx.addIssue({ code: 'custom', path: [field], message });
  const numeric = spec.type === 'int' || spec.type === 'float';
  for (const bound of ['min', 'max'] as const) {
    const value = spec[bound];
    if (value === undefined) continue;
    if (!numeric) issue(bound, `only an int or a float has a ${bound}`);
    else if (spec.type === 'int' && !Number.isInteger(value)) issue(bound, `${value} is not an int`);
  }
  if (numeric && spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
    issue('max', `${spec.max} is below the minimum ${spec.min}`);
  }
  if (spec.type === 'enum') {
    if (!spec.values) issue('values', 'an enum lists its allowed values');
    else if (new Set(spec.values).size !== spec.values.length) issue('values', 'values repeat');
  } else if (spec.values) {
    issue('values', 'only an enum lists values');
  }
  if (spec.default !== undefined && (spec.type !== 'enum' || spec.values)) {
    const problem = valueProblem(spec, String(spec.default));
    if (problem) issue('default', `${JSON.stringify(spec.default)} ${problem}`);
  }
}

/**
 * The answer to a body whose `parameters` fail: 422 `invalid_parameters` with the first bad
 * field named. Null when something else in the body fails too (that is the usual 400).
 */
export function parametersRefusal(error: ZodError) {
  const onParameters = error.issues.every((issue) => issue.path[0] === 'parameters');
  if (!onParameters) return null;
  const { message, issues } = describeZodIssues(error);
  return { error: { code: 'invalid_parameters', message, field: issues[0]?.path ?? 'parameters', issues } };
}
