// The database schema (drizzle). One schema for PostgreSQL and PGlite; migrations in db/migrations.

import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
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
  createdAt: createdAt(),
});

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
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

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
}

export const applications = pgTable('applications', {
  name: text('name').primaryKey(),
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
    host: text('host').notNull(),
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
  ],
);

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
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    metrics: jsonb('metrics').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.seriesId, t.index] }),
    index('runs_series_state_idx').on(t.seriesId, t.state),
  ],
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
