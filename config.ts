// The one place that reads process.env. Everything else receives a validated Config.
import path from 'node:path';
import { z } from 'zod';

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
  TUPLET_ADMIN_TOKEN: optionalString,
  TUPLET_ADMIN_PASSWORD: optionalString,
  TUPLET_MAX_TUPLES: z.coerce.number().int().positive().default(1_000_000),
  TUPLET_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // For the CLI: which API to talk to and with which token (else ~/.config/tuplet/cli.json).
  TUPLET_URL: optionalString,
  TUPLET_TOKEN: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  listenHost: string;
  dataDir: string;
  databaseUrl: string | undefined;
  temporal: { address: string | undefined; namespace: string; uiUrl: string | undefined };
  admin: { token: string | undefined; password: string | undefined };
  maxTuples: number;
  logLevel: Env['TUPLET_LOG_LEVEL'];
  cli: { url: string | undefined; token: string | undefined };
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
  return {
    port: e.TUPLET_PORT,
    listenHost: e.TUPLET_HOST,
    dataDir: path.resolve(e.TUPLET_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, uiUrl: e.TEMPORAL_UI_URL },
    admin: { token: e.TUPLET_ADMIN_TOKEN, password: e.TUPLET_ADMIN_PASSWORD },
    maxTuples: e.TUPLET_MAX_TUPLES,
    logLevel: e.TUPLET_LOG_LEVEL,
    cli: { url: e.TUPLET_URL, token: e.TUPLET_TOKEN },
  };
}
