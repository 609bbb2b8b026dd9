// The JSON shape of a series in answers, and its schema for the OpenAPI document.
import { z } from '@hono/zod-openapi';
import type { Config } from '../../config.ts';
import { RUN_STATES } from '../../core/states.ts';
import { ResourcesSchema, SeriesStateSchema } from '../schemas.ts';
import type { RunCounts } from '../../db/runs.ts';
import type { SeriesSummary, SeriesWithOwner } from '../../db/series.ts';
import { progressOf } from './query.ts';
import { temporalUiLink } from './workflow.ts';

export const CountsSchema = z.object(
  Object.fromEntries(RUN_STATES.map((s) => [s, z.number().int()])) as Record<
    (typeof RUN_STATES)[number],
    z.ZodNumber
  >,
);

export const SeriesSummarySchema = z
  .object({
    id: z.string(),
    state: SeriesStateSchema,
    count: z.number().int(),
    counts: CountsSchema,
    progress: z.object({ done: z.number().int(), total: z.number().int(), fraction: z.number() }),
    owner: z.string(),
    group: z.string().nullable().openapi({ description: "The series' group (null: none)" }),
    visibility: z.enum(['everyone', 'group']).openapi({
      description: '`everyone` signed in sees it, or only its group (and its owner and admins)',
    }),
    application: z.string(),
    host: z.string(),
    hosts: z.array(z.string()).openapi({
      description: 'Every host the series runs on, `host` first (several: docs/multi-host.md)',
    }),
    description: z.string(),
    tags: z.array(z.string()),
    resources: ResourcesSchema,
    parentId: z.string().nullable(),
    attempt: z.number().int(),
    reason: z.string().nullable(),
    priority: z.enum(['low', 'normal', 'high']).openapi({
      description: "Order among the owner's series on its host (docs/fair-share.md)",
    }),
    waitReason: z.string().nullable().openapi({
      description: "Why the series waits: the host's load, a quota or a scheduler's hold (docs/quotas.md)",
    }),
    workflowId: z.string(),
    temporalUrl: z.string().nullable().openapi({ description: 'The workflow in the Temporal Web UI' }),
    archive: z.object({ size: z.number().int(), sha256: z.string().nullable() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('SeriesSummary');

export const SeriesSchema = SeriesSummarySchema.extend({
  ini: z.string(),
  applicationSnapshot: z.object({
    name: z.string(),
    command: z.string(),
    configFile: z.string(),
    setup: z.string().optional(),
    collect: z.array(z.string()).optional(),
  }),
}).openapi('Series');

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function seriesSummaryJson(
  row: SeriesSummary,
  counts: RunCounts,
  config: Config,
): z.infer<typeof SeriesSummarySchema> {
  return {
    id: row.id,
    state: row.state,
    count: row.count,
    counts,
    progress: progressOf(row.count, counts),
    owner: row.ownerName,
    group: row.groupName,
    visibility: row.visibility,
    application: row.application,
    host: row.host,
    hosts: row.hosts.length > 0 ? row.hosts : [row.host],
    description: row.description,
    tags: row.tags,
    resources: row.resources,
    parentId: row.parentId,
    attempt: row.attempt,
    reason: row.reason,
    priority: row.priority,
    waitReason: row.waitReason,
    workflowId: row.workflowId,
    temporalUrl: temporalUiLink(config.temporal.uiUrl, config.temporal.namespace, row.workflowId),
    archive: row.archiveSize === null ? null : { size: row.archiveSize, sha256: row.archiveSha256 },
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function seriesJson(
  row: SeriesWithOwner,
  counts: RunCounts,
  config: Config,
): z.infer<typeof SeriesSchema> {
  return {
    ...seriesSummaryJson(row, counts, config),
    ini: row.ini,
    applicationSnapshot: row.applicationSnapshot,
  };
}
