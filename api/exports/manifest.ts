// manifest.json of a series archive (GET /series/{id}/export, POST /series/import): what the
// series was (INI, application as it ran, host name, resources, description, tags, states) and
// every run (parameters, state, exit code, metrics, times) and collected file (path, size,
// sha256). An imported manifest comes from anyone, so every field is checked here: strings and
// lists capped, names and paths in the forms Tuplet itself writes, states final. The schema is
// the one contract of the format; FORMAT_VERSION changes when it does.
import { z } from 'zod';
import { RUN_STATES, SERIES_STATES, TERMINAL_RUN_STATES, FINAL_SERIES_STATES } from '../../core/states.ts';
import { hasControlCharacters } from '../../core/text.ts';
import { isSafeComponent, safeRelativePath } from '../../hosts/paths.ts';
import { InputSchema } from '../input-schema.ts';
import { MetricSourcesSchema } from '../metric-sources-schema.ts';
import { ParametersSchema } from '../parameter-schema.ts';
import { DescriptionSchema, IniSchema, ResourcesSchema, TagsSchema } from '../schemas.ts';

export const MANIFEST_FORMAT = 'tuplet-series-archive';
export const FORMAT_VERSION = 1;
/** The archive's entry for the manifest (always first) and the folder of the files. */
export const MANIFEST_ENTRY = 'manifest.json';
export const FILES_FOLDER = 'files';
/** Largest manifest read: about 100,000 runs with a few metrics and files each. */
export const MAX_MANIFEST_BYTES = 64 * 1024 ** 2;
/** Most runs and files one manifest may list. */
export const MAX_MANIFEST_RUNS = 1_000_000;
export const MAX_MANIFEST_FILES = 1_000_000;

const text = (max: number) => z.string().max(max);
const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacters(s), 'one line without control characters');
const time = z.iso.datetime({ offset: true }).nullable();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lower-case hex');

/** A series' collected file: always `runs/<dir>/<path>`, as the index records them. */
const storedPath = z
  .string()
  .max(4096)
  .refine((raw) => safeRelativePath(raw) === raw && !hasControlCharacters(raw), {
    message: 'a relative path in normal form that stays inside the series (no `..`, not absolute)',
  });

const ApplicationSnapshotSchema = z
  .object({
    name: line(128),
    // Kept as a record of what produced the results; an imported series never runs it.
    command: text(10_000),
    configFile: line(256),
    setup: text(10_000).optional(),
    collect: z.array(line(256)).max(64).optional(),
    env: z.record(line(128), text(4096)).optional(),
    input: InputSchema.optional(),
    parameters: ParametersSchema.optional(),
    postprocess: text(10_000).optional(),
    metricSources: MetricSourcesSchema.optional(),
  })
  .strict();

const metricValue = z.union([z.number(), text(10_000), z.boolean(), z.null()]);

const RunSchema = z
  .object({
    index: z.number().int().min(0),
    dir: z
      .string()
      .refine(isSafeComponent, 'a plain directory name (letters, digits, ._=+,@- only; no `/`, no `..`)'),
    params: z.record(line(256), line(4096)),
    state: z.enum(RUN_STATES).refine((s) => TERMINAL_RUN_STATES.includes(s), {
      message: `a final run state (${TERMINAL_RUN_STATES.join(', ')}): an imported series never runs`,
    }),
    exitCode: z.number().int().min(-2_147_483_648).max(2_147_483_647).nullable(),
    reason: text(4096).nullable(),
    attempt: z.number().int().min(1).max(1_000_000),
    startedAt: time,
    endedAt: time,
    metrics: z.record(line(128), metricValue).nullable(),
  })
  .strict();

const FileSchema = z
  .object({
    path: storedPath,
    /** The run the file belongs to. */
    run: z.number().int().min(0),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    sha256,
  })
  .strict();

export const ManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(FORMAT_VERSION),
    exportedAt: z.iso.datetime({ offset: true }),
    series: z
      .object({
        id: line(64),
        application: line(128),
        applicationSnapshot: ApplicationSnapshotSchema,
        host: line(128),
        ini: IniSchema,
        resources: ResourcesSchema,
        description: DescriptionSchema,
        tags: TagsSchema,
        count: z.number().int().min(0).max(MAX_MANIFEST_RUNS),
        state: z.enum(SERIES_STATES).refine((s) => FINAL_SERIES_STATES.includes(s), {
          message: `a final series state (${FINAL_SERIES_STATES.join(', ')}): an imported series never runs`,
        }),
        reason: text(4096).nullable(),
        attempt: z.number().int().min(1).max(1_000_000),
        createdAt: z.iso.datetime({ offset: true }),
        startedAt: time,
        finishedAt: time,
      })
      .strict(),
    runs: z.array(RunSchema).max(MAX_MANIFEST_RUNS),
    files: z.array(FileSchema).max(MAX_MANIFEST_FILES),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    // What the schema of one field cannot see: runs and files agree with each other and the series.
    const dirs = new Map<number, string>();
    const seenDirs = new Set<string>();
    manifest.runs.forEach((run, i) => {
      if (run.index >= manifest.series.count)
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'index'],
          message: `${run.index} is not below the series' count ${manifest.series.count}`,
        });
      if (dirs.has(run.index))
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'index'],
          message: `run ${run.index} is listed twice`,
        });
      if (seenDirs.has(run.dir))
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'dir'],
          message: `'${run.dir}' is the directory of another run`,
        });
      dirs.set(run.index, run.dir);
      seenDirs.add(run.dir);
    });
    const paths = new Set<string>();
    manifest.files.forEach((file, i) => {
      const dir = dirs.get(file.run);
      if (dir === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', i, 'run'],
          message: `no run ${file.run} in the manifest`,
        });
      } else if (!file.path.startsWith(`runs/${dir}/`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', i, 'path'],
          message: `'${file.path}' is not inside its run's directory runs/${dir}/`,
        });
      }
      if (paths.has(file.path))
        ctx.addIssue({
          code: 'custom',
          path: ['files', i, 'path'],
          message: `'${file.path}' is listed twice`,
        });
      paths.add(file.path);
    });
  });

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestRun = Manifest['runs'][number];
export type ManifestFile = Manifest['files'][number];
