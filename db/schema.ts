// The database schema (drizzle). One schema for PostgreSQL and PGlite; migrations in db/migrations.

import type { AdmissionThresholds } from '../core/admission.ts';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { Resources } from '../hosts/executor.ts';
import type { RunState, SeriesState } from '../core/states.ts';
import type { InputSpec } from '../core/input-format.ts';
import type { ParameterSpec } from '../core/parameter-schema.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** scrypt: `scrypt$N$r$p$salt$hash` (base64). Null for users who sign in by token only. */
  passwordHash: text('password_hash'),
  role: text('role').$type<'admin' | 'member'>().notNull().default('member'),
  /** Where mail notifications go; null: none. */
  email: text('email'),
  /** Which of the user's series events notify, and how (see NotifySettings). */
  notify: jsonb('notify').$type<NotifySettings>().notNull().default({}),
  createdAt: createdAt(),
});

/** A user's choice of notifications: events, and whether they are mailed. */
export interface NotifySettings {
  /** Events that notify (absent: ended and failed). */
  events?: NotifyEvent[];
  /** Mail the events to users.email (absent: false). */
  email?: boolean;
}
export type NotifyEvent = 'succeeded' | 'failed' | 'cancelled' | 'held';

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** sha256 of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, to recognise it in a list. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const sessions = pgTable('sessions', {
  /** sha256 of the session cookie value. */
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export const hosts = pgTable('hosts', {
  name: text('name').primaryKey(),
  kind: text('kind').$type<'local' | 'ssh' | 'slurm'>().notNull(),
  address: text('address'),
  port: integer('port'),
  user: text('user'),
  /** Paths on the machine of the worker that serves the host; never key material. */
  identityFile: text('identity_file'),
  knownHostsFile: text('known_hosts_file'),
  workdir: text('workdir').notNull(),
  slots: integer('slots'),
  gpus: integer('gpus'),
  partition: text('partition'),
  arrayThrottle: integer('array_throttle'),
  /** SLURM accounts members may charge (`--account`); an empty list lets nobody choose one. */
  accounts: jsonb('accounts').$type<AllowedChoice[]>().notNull().default([]),
  /** SLURM QOS members may ask for (`--qos`), as `accounts`. */
  qos: jsonb('qos').$type<AllowedChoice[]>().notNull().default([]),
  /** Environment variables every run on this host gets (set by an admin; never secrets). */
  env: jsonb('env').$type<Record<string, string>>().notNull().default({}),
  /** local hosts: the OS account runs execute as (through sudo), instead of the server's. */
  runUser: text('run_user'),
  /** local/ssh hosts: runs start only while the host is below these thresholds. */
  admission: jsonb('admission').$type<AdmissionThresholds>(),
  description: text('description').notNull().default(''),
  /** A drained host takes no new chunks nor series; what runs there finishes (docs/multi-host.md). */
  drained: boolean('drained').notNull().default(false),
  /** The named pool the host belongs to (`pool:<name>` in a series' hosts), if any. */
  pool: text('pool'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type { AdmissionThresholds };

/** A value an admin allows on a host: for everyone, or for the named users only. */
export interface AllowedChoice {
  name: string;
  /** User names; absent means every user. */
  users?: string[];
}

export interface ApplicationSnapshot {
  name: string;
  command: string;
  configFile: string;
  setup?: string;
  collect?: string[];
  env?: Record<string, string>;
  /** Absent on series created before input formats: `ini` into configFile. */
  input?: InputSpec;
  parameters?: ParameterSpec[];
  postprocess?: string;
  metricSources?: MetricSource[];
  /** An own-code application's series: the environment its setup builds (docs/own-code.md). */
  ownCode?: OwnCodeSnapshot;
}

/** What the setup of an own-code series builds or reuses: checked by the API at creation. */
export interface OwnCodeSnapshot {
  /** sha256 hex of the series' group (or owner), the interpreter and the requirements: the cache key. */
  envKey: string;
  /** The interpreter the environment is made with: `python3` or `python3.N`. */
  python: string;
  /** The requirement lines pip installs, as checked (comments and blank lines dropped). */
  requirements: string[];
}

/** A metric read from a run's output: a regex over stdout, or a CSV file's last row. */
export type MetricSource =
  { kind: 'stdout'; name: string; pattern: string } | { kind: 'csv'; file: string; columns?: string[] };

export const applications = pgTable('applications', {
  name: text('name').primaryKey(),
  /**
   * `program`: an admin-vetted command. `own-code`: the series' package carries the program
   * (bring your own code, docs/own-code.md), allowed to members of groups with ownCode only.
   */
  kind: text('kind').$type<'program' | 'own-code'>().notNull().default('program'),
  command: text('command').notNull(),
  configFile: text('config_file').notNull().default('config.ini'),
  setup: text('setup'),
  collect: jsonb('collect').$type<string[]>(),
  /** Environment variables every run of this application gets (set by an admin). */
  env: jsonb('env').$type<Record<string, string>>().notNull().default({}),
  /** What each run receives (absent: the sweep's INI into configFile, as before). */
  input: jsonb('input').$type<InputSpec>(),
  /** The optional typed schema of the application's parameters. */
  parameters: jsonb('parameters').$type<ParameterSpec[]>(),
  /** The hosts the application may run on; null: every host its users may use. */
  hosts: jsonb('hosts').$type<string[]>(),
  /** Run once in the series directory after all runs end (and again on demand). */
  postprocess: text('postprocess'),
  /** Where run metrics come from besides metrics.json (stdout patterns, a CSV's last row). */
  metricSources: jsonb('metric_sources').$type<MetricSource[]>(),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Uploaded input packages: the file lives in `<storage>/packages/<id>.pkg`. */
export const packages = pgTable(
  'packages',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    format: text('format').$type<'zip' | 'tar' | 'tar.gz'>().notNull(),
    entries: integer('entries').notNull(),
    /** Unpacked bytes. */
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    /** Bytes on disk (what the owner's quota counts). */
    uploadedBytes: bigint('uploaded_bytes', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    /** Last time a series was created with it; unused packages are deleted after a while. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('packages_owner_idx').on(t.ownerId)],
);

export const series = pgTable(
  'series',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    application: text('application').notNull(),
    /** The application as it was at submission, so a later edit does not change this series. */
    applicationSnapshot: jsonb('application_snapshot').$type<ApplicationSnapshot>().notNull(),
    /** The series' first host; with `hosts`, one of several (docs/multi-host.md). */
    host: text('host').notNull(),
    /**
     * Every host the series' chunks may be placed on, `host` first; empty for a series of one
     * host (every series from before multi-host, and any that names only `host`).
     */
    hosts: jsonb('hosts').$type<string[]>().notNull().default([]),
    ini: text('ini').notNull(),
    resources: jsonb('resources').$type<Resources>().notNull().default({}),
    description: text('description').notNull().default(''),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    count: integer('count').notNull(),
    state: text('state').$type<SeriesState>().notNull().default('staging'),
    /** Why the series failed or was cancelled. */
    reason: text('reason'),
    workflowId: text('workflow_id').notNull(),
    parentId: text('parent_id'),
    /** Incremented by each rerun; runs carry the attempt that last ran them. */
    attempt: integer('attempt').notNull().default(1),
    packagePath: text('package_path'),
    /** The uploaded package (table packages) the series unpacks; kept by clones. */
    packageId: text('package_id'),
    /** The group the series belongs to (null: created before groups, or by an admin outside any). */
    groupId: text('group_id').references(() => groups.id, { onDelete: 'set null' }),
    /** `everyone` signed in sees the series, or only its group's members (and admins). */
    visibility: text('visibility').$type<'everyone' | 'group'>().notNull().default('everyone'),
    priority: text('priority').$type<'low' | 'normal' | 'high'>().notNull().default('normal'),
    /** Why an accepted series waits (a quota, the host's load): shown on its page. */
    waitReason: text('wait_reason'),
    /** The post-processing step's last outcome. */
    postprocess: jsonb('postprocess').$type<PostprocessOutcome>(),
    /**
     * What makes two series' runs of one tuple interchangeable (the application's version,
     * the input package, equivalent resources), hashed: runs of series with the same key can
     * be reused instead of run again. Null: never offered for reuse.
     */
    reuseKey: text('reuse_key'),
    archivePath: text('archive_path'),
    archiveSize: bigint('archive_size', { mode: 'number' }),
    archiveSha256: text('archive_sha256'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('series_created_idx').on(t.createdAt),
    index('series_owner_idx').on(t.ownerId),
    index('series_state_idx').on(t.state),
    index('series_group_idx').on(t.groupId),
    index('series_reuse_key_idx').on(t.reuseKey),
  ],
);

export interface PostprocessOutcome {
  state: 'running' | 'succeeded' | 'failed';
  exitCode?: number | null;
  startedAt?: string;
  endedAt?: string;
}

export const runs = pgTable(
  'runs',
  {
    seriesId: text('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    dir: text('dir').notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    state: text('state').$type<RunState>().notNull().default('pending'),
    exitCode: integer('exit_code'),
    reason: text('reason'),
    attempt: integer('attempt').notNull().default(1),
    jobId: text('job_id'),
    /** The host the run was last submitted to (null: never submitted, or before multi-host). */
    host: text('host'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    metrics: jsonb('metrics').$type<Record<string, unknown>>(),
    /** A run not run again but taken, with its outputs, from this series' run of the same tuple. */
    reusedFromSeries: text('reused_from_series'),
    reusedFromIndex: integer('reused_from_index'),
    /**
     * The lost host that kept this run's outputs: the run ended there, was recorded, and the
     * host never came back by the series' end to have them collected (docs/multi-host.md).
     */
    outputsLeftOn: text('outputs_left_on'),
  },
  (t) => [
    primaryKey({ columns: [t.seriesId, t.index] }),
    index('runs_series_state_idx').on(t.seriesId, t.state),
  ],
);

/**
 * Each run's parameters and metrics as typed rows, so results sort and filter by index range
 * (db/results.ts; docs/results.md). Kept by triggers on `runs` (migration 0006), never written
 * by the application: rank 0 a number (`num`, `text` ''), 1 text (`num` 0, `text` its first 200
 * characters); a JSON null or a name over 256 characters has no row. A name that is both a
 * parameter and a metric holds the parameter.
 */
export const runValues = pgTable(
  'run_values',
  {
    seriesId: text('series_id').notNull(),
    index: integer('index').notNull(),
    name: text('name').notNull(),
    rank: smallint('rank').notNull(),
    num: numeric('num').notNull(),
    text: text('text').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seriesId, t.index, t.name] }),
    index('run_values_sort_idx').on(t.seriesId, t.name, t.rank, t.num, t.text, t.index),
  ],
);

/** The metric names any run of a series reported (kept by the same triggers), `numeric` if any value was a number. */
export const seriesMetricNames = pgTable(
  'series_metric_names',
  {
    seriesId: text('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    numeric: boolean('numeric').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.name] })],
);

/** Aggregates of a finished series computed once per version (its state and attempt). */
export const resultAggregates = pgTable(
  'result_aggregates',
  {
    seriesId: text('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    /** The query: grouping parameters and metric. */
    query: text('query').notNull(),
    version: text('version').notNull(),
    /** The answer's groups as JSON text, sent as kept (db/result-aggregates.ts says why not jsonb). */
    groups: text('groups').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.query] })],
);

export const files = pgTable(
  'files',
  {
    seriesId: text('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    /** Null for files of the series itself (the archive, tuples.tsv, setup log). */
    runIndex: integer('run_index'),
    /** Relative to the series storage directory, always with forward slashes. */
    path: text('path').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.path] }), index('files_run_idx').on(t.seriesId, t.runIndex)],
);

// Groups (projects): members, group admins, and what each group may use.

export const groups = pgTable('groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  /** Fair-share weight of the group's users when series compete for a host. */
  share: integer('share').notNull().default(1),
  /** Members may run their own code (bring-your-own-code applications). */
  ownCode: boolean('own_code').notNull().default(false),
  /** Members may ask for `high` priority. */
  highPriority: boolean('high_priority').notNull().default(false),
  createdAt: createdAt(),
});

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<'member' | 'admin'>().notNull().default('member'),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

export const groupApplications = pgTable(
  'group_applications',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    application: text('application')
      .notNull()
      .references(() => applications.name, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.application] })],
);

export const groupHosts = pgTable(
  'group_hosts',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    host: text('host')
      .notNull()
      .references(() => hosts.name, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.host] })],
);

/** Limits per user or per group, on one host or (host null) on every host. Null: no limit. */
export const quotas = pgTable(
  'quotas',
  {
    id: text('id').primaryKey(),
    scope: text('scope').$type<'user' | 'group'>().notNull(),
    /** users.id or groups.id, as scope says. */
    subjectId: text('subject_id').notNull(),
    host: text('host'),
    maxRunning: integer('max_running'),
    maxQueued: integer('max_queued'),
    maxTuples: integer('max_tuples'),
    maxStorageBytes: bigint('max_storage_bytes', { mode: 'number' }),
  },
  (t) => [index('quotas_subject_idx').on(t.scope, t.subjectId)],
);

// Notifications: the bell's entries, and each delivery by mail or webhook.

export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    seriesId: text('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    event: text('event').$type<NotifyEvent>().notNull(),
    createdAt: createdAt(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);

/** A user's webhook. Its signing secret is derived from the server's key, never stored. */
export const webhooks = pgTable('webhooks', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  createdAt: createdAt(),
});

export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<'email' | 'webhook'>().notNull(),
    /** The address or the webhook id. */
    target: text('target').notNull(),
    state: text('state').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('deliveries_notification_idx').on(t.notificationId)],
);

// Datasets: named, versioned inputs reused across series.

export const datasets = pgTable('datasets', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  ownerId: text('owner_id')
    .notNull()
    .references(() => users.id),
  /** Shared with a group's members; null: the owner's only (and admins'). */
  groupId: text('group_id').references(() => groups.id, { onDelete: 'set null' }),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
});

export const datasetVersions = pgTable(
  'dataset_versions',
  {
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** `upload`: a checked archive in storage; `host`: a path that already exists on a host. */
    kind: text('kind').$type<'upload' | 'host'>().notNull(),
    /** upload: its key in storage. */
    storageKey: text('storage_key'),
    /** host: where the data lives. */
    host: text('host'),
    hostPath: text('host_path'),
    entries: integer('entries'),
    bytes: bigint('bytes', { mode: 'number' }),
    /** sha256 of the manifest (path, size, sha256 of every file), when known. */
    manifestSha256: text('manifest_sha256'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.version] })],
);

export const seriesDatasets = pgTable(
  'series_datasets',
  {
    seriesId: text('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id),
    version: integer('version').notNull(),
    /** Relative to each run directory (default `inputs/<name>`). */
    mountPath: text('mount_path').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seriesId, t.datasetId] }),
    index('series_datasets_dataset_idx').on(t.datasetId, t.version),
  ],
);
