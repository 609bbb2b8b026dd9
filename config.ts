// The one place that reads process.env. Everything else receives a validated Config.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { StorageConfig } from './files/storage/index.ts';
import { HOST_CACHE_TTL_HOURS } from './hosts/cache-ttl.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MIN_ADMIN_TOKEN_LENGTH = 32;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const envSchema = z.object({
  TUPLET_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TUPLET_HOST: z.string().default('127.0.0.1'),
  TUPLET_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: optionalString,
  // TLS to Temporal: a CA to trust (else the system's), a client certificate and key for
  // mutual TLS, the server name to expect; TEMPORAL_TLS=true turns TLS on with none of them.
  TEMPORAL_TLS: optionalString.pipe(z.enum(['true', 'false']).optional()),
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  // 32 bytes, base64 or hex: encrypts and authenticates every Temporal payload (AES-256-GCM).
  TUPLET_PAYLOAD_KEY: optionalString,
  TUPLET_ADMIN_TOKEN: optionalString.pipe(
    z.string().min(MIN_ADMIN_TOKEN_LENGTH, `at least ${MIN_ADMIN_TOKEN_LENGTH} characters`).optional(),
  ),
  TUPLET_ADMIN_PASSWORD: optionalString.pipe(
    z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).optional(),
  ),
  // Where browsers reach Tuplet; https makes cookies Secure and __Host- prefixed.
  TUPLET_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TUPLET_MAX_TUPLES: z.coerce.number().int().positive().default(1_000_000),
  // A series over several hosts moves a chunk on when its host's worker takes no step for this long.
  TUPLET_HOST_LOST_AFTER_MS: z.coerce.number().int().min(1_000).default(120_000),
  // Largest request body of any route but package uploads (JSON, forms, INI text).
  TUPLET_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 2),
  // Largest package upload, and all packages of one user together.
  TUPLET_MAX_PACKAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 ** 3),
  // Largest series archive `POST /series/import` accepts (compressed, and unpacked).
  TUPLET_MAX_IMPORT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 3),
  TUPLET_PACKAGE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 ** 3),
  // The host caches (input copies of the host worker, own-code environments on a host) keep what
  // no series used for this long (docs/storage.md, docs/own-code.md).
  TUPLET_HOST_CACHE_TTL_HOURS: z.coerce.number().positive().max(87_600).default(HOST_CACHE_TTL_HOURS),
  // A package no series used for this long is deleted.
  TUPLET_PACKAGE_TTL_HOURS: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  // The configs of one series together (template bytes × tuples) may render to at most this.
  TUPLET_MAX_RENDERED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 3),
  // Notifications by mail (docs/notifications.md): the SMTP server, how the connection is
  // protected (tls: TLS from the first byte; starttls: upgrade required; none: plain, tests and
  // local relays only), the account, the sender. No TUPLET_SMTP_HOST: no mail is sent.
  TUPLET_SMTP_HOST: optionalString,
  TUPLET_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TUPLET_SMTP_SECURITY: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  TUPLET_SMTP_USER: optionalString,
  TUPLET_SMTP_PASSWORD: optionalString,
  TUPLET_SMTP_FROM: optionalString,
  // Signs webhooks (each webhook's secret is derived from it); absent: derived from
  // TUPLET_PAYLOAD_KEY, else a key file created in the data dir at first start.
  TUPLET_WEBHOOK_KEY: optionalString,
  // Addresses (IPs or CIDR ranges, comma separated) webhooks may reach although they are this
  // server's own, loopback or link-local: an admin's exception to the SSRF rule.
  TUPLET_WEBHOOK_ALLOW: optionalString,
  // Where collected outputs, archives and packages go (docs/storage.md): absent, the disk
  // below TUPLET_DATA_DIR/storage; `s3://bucket/prefix`, an S3-compatible bucket. The S3_*
  // settings matter only then; without the key pair the AWS SDK's default chain applies.
  TUPLET_STORAGE_URL: optionalString,
  TUPLET_S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TUPLET_S3_REGION: z.string().default('us-east-1'),
  TUPLET_S3_ACCESS_KEY_ID: optionalString,
  TUPLET_S3_SECRET_ACCESS_KEY: optionalString,
  TUPLET_S3_FORCE_PATH_STYLE: optionalString.pipe(z.enum(['true', 'false']).optional()),
  TUPLET_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // For the CLI: which API to talk to and with which token (else ~/.config/tuplet/cli.json).
  TUPLET_URL: optionalString,
  TUPLET_TOKEN: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export interface TemporalTls {
  /** PEM file paths; read by whoever connects (the worker's or API's machine). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

export interface Config {
  port: number;
  listenHost: string;
  dataDir: string;
  databaseUrl: string | undefined;
  temporal: {
    address: string | undefined;
    namespace: string;
    uiUrl: string | undefined;
    /** Undefined: plain TCP (the embedded dev server on loopback). */
    tls: TemporalTls | undefined;
    apiKey: string | undefined;
  };
  /** The AES-256 key of the payload codec; undefined: payloads travel as plain JSON. */
  payloadKey: Buffer | undefined;
  admin: { token: string | undefined; password: string | undefined };
  publicUrl: URL | undefined;
  maxTuples: number;
  /** Multi-host series: a host step no worker starts within this is the host lost (docs/multi-host.md). */
  hostLostAfterMs: number;
  /** What the host caches keep unused: input copies (hosts/local-inputs.ts), own-code environments. */
  hostCacheTtlHours: number;
  limits: {
    bodyBytes: number;
    packageBytes: number;
    packageQuotaBytes: number;
    importBytes: number;
    packageTtlMs: number;
    renderedBytes: number;
  };
  notify: NotifyConfig;
  storage: StorageConfig;
  logLevel: Env['TUPLET_LOG_LEVEL'];
  cli: { url: string | undefined; token: string | undefined };
}

export interface SmtpConfig {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  /** Absent: the server takes mail without signing in. */
  auth?: { user: string; password: string };
  from: string;
}

export interface NotifyConfig {
  /** Undefined: no mail is sent (the bell and webhooks still work). */
  smtp: SmtpConfig | undefined;
  /** TUPLET_WEBHOOK_KEY's bytes (see activities/notify/webhook-key.ts for the fallbacks). */
  webhookKey: Buffer | undefined;
  /** IPs and CIDR ranges webhooks may reach despite the SSRF rule. */
  webhookAllow: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment once; a bad variable stops the process with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${issues}`);
  }
  const e = parsed.data;
  const tlsWanted =
    e.TEMPORAL_TLS === 'true' || !!(e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_KEY);
  if (!!e.TEMPORAL_TLS_CERT !== !!e.TEMPORAL_TLS_KEY)
    throw new ConfigError('invalid environment: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
  return {
    port: e.TUPLET_PORT,
    listenHost: e.TUPLET_HOST,
    dataDir: path.resolve(e.TUPLET_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiUrl: e.TEMPORAL_UI_URL,
      tls: tlsWanted
        ? {
            ...(e.TEMPORAL_TLS_CA ? { caFile: e.TEMPORAL_TLS_CA } : {}),
            ...(e.TEMPORAL_TLS_CERT ? { certFile: e.TEMPORAL_TLS_CERT } : {}),
            ...(e.TEMPORAL_TLS_KEY ? { keyFile: e.TEMPORAL_TLS_KEY } : {}),
            ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}),
          }
        : undefined,
      apiKey: e.TEMPORAL_API_KEY,
    },
    payloadKey: e.TUPLET_PAYLOAD_KEY === undefined ? undefined : parsePayloadKey(e.TUPLET_PAYLOAD_KEY),
    admin: { token: e.TUPLET_ADMIN_TOKEN, password: e.TUPLET_ADMIN_PASSWORD },
    publicUrl: e.TUPLET_PUBLIC_URL === undefined ? undefined : new URL(e.TUPLET_PUBLIC_URL),
    maxTuples: e.TUPLET_MAX_TUPLES,
    hostLostAfterMs: e.TUPLET_HOST_LOST_AFTER_MS,
    hostCacheTtlHours: e.TUPLET_HOST_CACHE_TTL_HOURS,
    limits: {
      bodyBytes: e.TUPLET_MAX_BODY_BYTES,
      packageBytes: e.TUPLET_MAX_PACKAGE_BYTES,
      packageQuotaBytes: e.TUPLET_PACKAGE_QUOTA_BYTES,
      importBytes: e.TUPLET_MAX_IMPORT_BYTES,
      packageTtlMs: e.TUPLET_PACKAGE_TTL_HOURS * 3600_000,
      renderedBytes: e.TUPLET_MAX_RENDERED_BYTES,
    },
    notify: notifyConfigOf(e),
    storage: storageConfigOf(e),
    logLevel: e.TUPLET_LOG_LEVEL,
    cli: { url: e.TUPLET_URL, token: e.TUPLET_TOKEN },
  };
}

/** `s3://bucket/prefix` and the S3_* settings; the secret stays in this object and the client. */
function storageConfigOf(e: Env): StorageConfig {
  if (!!e.TUPLET_S3_ACCESS_KEY_ID !== !!e.TUPLET_S3_SECRET_ACCESS_KEY)
    throw new ConfigError(
      'invalid environment: TUPLET_S3_ACCESS_KEY_ID and TUPLET_S3_SECRET_ACCESS_KEY go together',
    );
  if (e.TUPLET_STORAGE_URL === undefined) return { s3: undefined };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(e.TUPLET_STORAGE_URL);
  if (!match)
    throw new ConfigError(
      'invalid environment: TUPLET_STORAGE_URL: expected s3://bucket or s3://bucket/prefix',
    );
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((s) => s === '..' || s === '.'))
    throw new ConfigError(
      'invalid environment: TUPLET_STORAGE_URL: the prefix may not hold `.` or `..` segments',
    );
  return {
    s3: {
      bucket: match[1]!,
      prefix: prefix === '' ? '' : `${prefix}/`,
      ...(e.TUPLET_S3_ENDPOINT ? { endpoint: e.TUPLET_S3_ENDPOINT } : {}),
      region: e.TUPLET_S3_REGION,
      ...(e.TUPLET_S3_ACCESS_KEY_ID && e.TUPLET_S3_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: e.TUPLET_S3_ACCESS_KEY_ID,
              secretAccessKey: e.TUPLET_S3_SECRET_ACCESS_KEY,
            },
          }
        : {}),
      // Self-hosted servers rarely have a host name per bucket: path style whenever an endpoint is set.
      forcePathStyle: e.TUPLET_S3_FORCE_PATH_STYLE
        ? e.TUPLET_S3_FORCE_PATH_STYLE === 'true'
        : e.TUPLET_S3_ENDPOINT !== undefined,
    },
  };
}

const DEFAULT_SMTP_PORTS = { tls: 465, starttls: 587, none: 25 } as const;

function notifyConfigOf(e: Env): NotifyConfig {
  if (!!e.TUPLET_SMTP_USER !== !!e.TUPLET_SMTP_PASSWORD)
    throw new ConfigError('invalid environment: TUPLET_SMTP_USER and TUPLET_SMTP_PASSWORD go together');
  const smtp: SmtpConfig | undefined = e.TUPLET_SMTP_HOST
    ? {
        host: e.TUPLET_SMTP_HOST,
        port: e.TUPLET_SMTP_PORT ?? DEFAULT_SMTP_PORTS[e.TUPLET_SMTP_SECURITY],
        security: e.TUPLET_SMTP_SECURITY,
        ...(e.TUPLET_SMTP_USER && e.TUPLET_SMTP_PASSWORD
          ? { auth: { user: e.TUPLET_SMTP_USER, password: e.TUPLET_SMTP_PASSWORD } }
          : {}),
        from: e.TUPLET_SMTP_FROM ?? `tuplet@${e.TUPLET_SMTP_HOST}`,
      }
    : undefined;
  const webhookKey =
    e.TUPLET_WEBHOOK_KEY === undefined ? undefined : Buffer.from(e.TUPLET_WEBHOOK_KEY, 'utf8');
  if (webhookKey && webhookKey.length < 32)
    throw new ConfigError('invalid environment: TUPLET_WEBHOOK_KEY: at least 32 characters');
  const webhookAllow = (e.TUPLET_WEBHOOK_ALLOW ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of webhookAllow) {
    const [address = '', prefix] = entry.split('/');
    const bits = isIP(address) === 6 ? 128 : 32;
    if (!isIP(address) || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits)))
      throw new ConfigError(
        `invalid environment: TUPLET_WEBHOOK_ALLOW: '${entry}' is not an IP address or CIDR range`,
      );
  }
  return { smtp, webhookKey, webhookAllow };
}

/** 32 bytes written as 64 hex digits or as base64. */
function parsePayloadKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new ConfigError('invalid environment: TUPLET_PAYLOAD_KEY: 32 bytes as 64 hex digits or base64');
  return key;
}
