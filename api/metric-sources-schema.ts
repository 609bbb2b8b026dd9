// An application's `metricSources` (db/schema.ts MetricSource): metrics read from each run's
// stdout by a regular expression, or from a CSV file's last row. Checked before they are
// stored, each error naming its entry (`metricSources.0.pattern: …`); how they are read,
// within bounds, is activities/control/metric-sources.ts.
import { z } from '@hono/zod-openapi';
import { hasControlCharacters } from '../core/text.ts';
import { safeRelativePath, TUPLET_DIR } from '../hosts/paths.ts';
import { METRIC_SOURCE_LIMITS } from '../activities/control/metric-sources.ts';

const metricName = z
  .string()
  .min(1)
  .max(METRIC_SOURCE_LIMITS.nameChars)
  .refine((s) => !hasControlCharacters(s), 'a metric name without control characters');

/** Compiles, and names its groups as metrics would be named. */
function patternProblem(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (error) {
    return `not a regular expression: ${(error as Error).message}`;
  }
  // A pattern that matches the empty line would report a metric from every blank line.
  if (re.test('')) return 'matches an empty line; name what precedes the number';
  return undefined;
}

const StdoutSource = z
  .object({
    kind: z.literal('stdout'),
    name: metricName.openapi({ description: 'The metric, when the pattern has no named groups' }),
    pattern: z
      .string()
      .min(1)
      .max(1000)
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .openapi({
        description:
          'A JavaScript regular expression tried on each line of the end of stdout; the last match wins. ' +
          'Named groups become metrics of their names; otherwise the first group (or the match) is `name`.',
        example: 'loss=(\\S+)',
      }),
  })
  .strict();

const CsvSource = z
  .object({
    kind: z.literal('csv'),
    file: z
      .string()
      .max(256)
      .refine((raw) => {
        const safe = safeRelativePath(raw);
        return safe !== undefined && safe !== TUPLET_DIR && !safe.startsWith(`${TUPLET_DIR}/`);
      }, 'a relative path inside the run directory (no `..`, not absolute, not .tuplet/)')
      .openapi({ example: 'history.csv' }),
    columns: z
      .array(metricName)
      .max(METRIC_SOURCE_LIMITS.metricsPerRun)
      .optional()
      .openapi({ description: 'Columns to read (default: every numeric column of the last row)' }),
  })
  .strict();

export const MetricSourcesSchema = z
  .array(z.discriminatedUnion('kind', [StdoutSource, CsvSource]))
  .max(16)
  .openapi('MetricSources', {
    description: "Metrics read from each run's output besides metrics.json (docs/results.md)",
  });
