// The `input` of an application (core/input-format.ts): what each run receives. Validated
// before it is stored; a bad one answers 422 `invalid_input` naming the field, e.g.
// `input.template` for a path that leaves the package, `input.argPattern` for an unknown
// placeholder. Whether a template fits a sweep is checked at series creation (and preview).
import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { INPUT_FORMATS } from '../core/input-format.ts';
import { safeRelativePath, TUPLET_DIR } from '../hosts/paths.ts';
import { argPatternProblem, MAX_TEMPLATE_BYTES } from '../sweep/render/index.ts';
import { describeZodIssues } from './errors.ts';

/** A relative path inside the run directory or package: no `..`, not absolute, not Tuplet's own. */
const relativePath = z
  .string()
  .max(256)
  .refine((raw) => {
    const safe = safeRelativePath(raw);
    return safe !== undefined && safe !== TUPLET_DIR && !safe.startsWith(`${TUPLET_DIR}/`);
  }, 'a relative path that stays inside its directory (no `..`, not absolute, not .tuplet/)');

export const InputSchema = z
  .object({
    format: z.enum(INPUT_FORMATS).openapi({ description: 'What each run receives (docs/input-formats.md)' }),
    file: relativePath.optional().openapi({ description: 'File in the run directory (default: configFile)' }),
    template: relativePath.optional().openapi({
      description: "template: the template's path in the series' input package (else templateText is used)",
      example: 'model.tpl',
    }),
    templateText: z.string().max(MAX_TEMPLATE_BYTES).optional().openapi({
      description: "template: the application's own template, with {{section.key}} placeholders",
    }),
    argPattern: z
      .string()
      .superRefine((pattern, ctx) => {
        const problem = argPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .openapi({
        description: 'args: one argv element per key; default --{name}={value}',
        example: '--{key}={value}',
      }),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.format === 'template' && spec.template === undefined && spec.templateText === undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'a template input names its template' });
    }
    if (spec.format !== 'template' && (spec.template !== undefined || spec.templateText !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: `only a template input has a template` });
    }
    if (spec.format !== 'args' && spec.argPattern !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['argPattern'], message: 'only an args input has an argPattern' });
    }
  })
  .openapi('InputSpec');

/** 422 `invalid_input` naming the first bad field when only `input` fails; else null (the usual 400). */
export function inputRefusal(error: ZodError) {
  if (!error.issues.every((issue) => issue.path[0] === 'input')) return null;
  const { message, issues } = describeZodIssues(error);
  return { error: { code: 'invalid_input', message, field: issues[0]?.path ?? 'input', issues } };
}
