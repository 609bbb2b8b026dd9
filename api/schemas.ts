// Input schemas shared by several routes. Values that end up in a job script or a path are
// validated tightly here, so nothing reaching a host can inject directives or escape a directory.
import { z } from '@hono/zod-openapi';
import { HostInputError } from '../hosts/errors.ts';
import { allowedExtraOptions, parseExtraDirective } from '../hosts/slurm/directives.ts';
import { RUN_STATES, SERIES_STATES } from '../core/states.ts';
import { hasControlCharacters } from '../core/text.ts';

/** No control characters: a newline in a directive would start a new script line. */
const singleLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacters(s), 'must be one line without control characters');

/** Names used in task queues, directories and URLs. */
/** The largest value of a PostgreSQL `integer` column: a count above it is refused, not a 500. */
export const PG_INTEGER_MAX = 2_147_483_647;

export const nameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'letters, digits, `.`, `_` and `-`, at most 63, not starting with `.`, `_` or `-`',
  );

const slurmWord = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_.,+-]{1,64}$/, `${what}: letters, digits and . _ , + - only`);

function validTime(s: string): boolean {
  const m = /^(?:(\d{1,3})-)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return false;
  const [, , h, min, sec] = m;
  return Number(min) < 60 && Number(sec) < 60 && (m[1] === undefined || Number(h) < 24);
}

/** An extra #SBATCH directive must be one of the options members may add (hosts/slurm/directives.ts). */
function allowedDirective(directive: string, ctx: z.RefinementCtx): void {
  try {
    parseExtraDirective(directive);
  } catch (error) {
    if (!(error instanceof HostInputError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
}

export const ResourcesSchema = z
  .object({
    partition: slurmWord('partition').optional(),
    time: z
      .string()
      .refine(validTime, 'time: `HH:MM:SS` or `D-HH:MM:SS`')
      .optional()
      .openapi({ example: '01:00:00' }),
    cpus: z.number().int().min(1).max(4096).optional(),
    gpus: z.number().int().min(0).max(64).optional(),
    memory: z
      .string()
      .regex(/^[1-9][0-9]{0,8}[KMGT]?$/, 'memory: a number with an optional unit K, M, G or T, e.g. `4G`')
      .optional()
      .openapi({ example: '4G' }),
    account: slurmWord('account').optional(),
    qos: slurmWord('qos').optional(),
    extra: z
      .array(singleLine(200).superRefine(allowedDirective))
      .max(32)
      .optional()
      .openapi({
        example: ['--constraint=v100'],
        description: `Extra #SBATCH options, one each, from those members may add: ${allowedExtraOptions()}`,
      }),
  })
  .strict()
  .openapi('Resources');

export const TagsSchema = z.array(singleLine(64).min(1)).max(32);
export const DescriptionSchema = z.string().max(10_000);
export const IniSchema = z
  .string()
  .min(1, 'ini: the INI template is empty')
  .max(512 * 1024);

export const RunStateSchema = z.enum(RUN_STATES);
export const SeriesStateSchema = z.enum(SERIES_STATES);

/** A series' group (by name) and who sees it, on creation and clone (docs/groups.md). */
export const SeriesGroupFields = {
  group: z.string().min(1).max(64).optional().openapi({
    description: "The series' group (one of yours); default: your only group, or none",
    example: 'optics',
  }),
  visibility: z.enum(['everyone', 'group']).optional().openapi({
    description: '`everyone` signed in sees the series (default), or only its group (`group`)',
  }),
};

/** A pool of hosts (hosts.pool): named as hosts are. */
export const poolNameSchema = nameSchema.openapi({ example: 'gpu' });

/** A new series over a pool of hosts instead of named ones (docs/multi-host.md, "Host pools"). */
export const SeriesPoolField = {
  pool: poolNameSchema.optional().openapi({
    description:
      "Run over the hosts of this pool the series' group may use and that are not drained (at most 16, by name), instead of `host`/`hosts`; the series records them as its `hosts`",
  }),
};

/** A new series' priority (api/series/priority.ts). */
export const SeriesPriorityField = {
  priority: z.enum(['low', 'normal', 'high']).optional().openapi({
    description:
      'Order among your own series on a host (default normal); `high` for admins and groups with highPriority (docs/fair-share.md)',
  }),
};

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: '01JD3Q4K8Z' }),
});

export const NameParam = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'local' }),
});

/** `?limit=&offset=` as numbers from the query string. */
export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
