// Every connection Tuplet makes to Temporal — the API's client, the workers' native
// connection — comes from here, from the validated config: TLS with the CA, client
// certificate (mutual TLS) and server name of TEMPORAL_TLS_*, the API key of
// TEMPORAL_API_KEY, and the payload codec of TUPLET_PAYLOAD_KEY.
import { readFile } from 'node:fs/promises';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config, TemporalTls } from '../config.ts';
import type { Logger } from '../log.ts';
import { tupletDataConverter } from './data-converter.ts';

/** What a connection needs of the config; `address` is required by the time we connect. */
export type TemporalSettings = Pick<Config, 'temporal' | 'payloadKey'>;

export interface TemporalClient {
  client: Client;
  close(): Promise<void>;
}

/** A client (API, tests, benchmarks) with TLS, API key and the payload codec of the config. */
export async function connectClient(
  settings: TemporalSettings,
  options: { connectTimeoutMs?: number } = {},
): Promise<TemporalClient> {
  const connection = await Connection.connect({
    address: addressOf(settings),
    ...(await transportOptions(settings)),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeout: options.connectTimeoutMs } : {}),
  });
  const client = new Client({
    connection,
    namespace: settings.temporal.namespace,
    dataConverter: tupletDataConverter(settings.payloadKey),
  });
  return { client, close: () => connection.close() };
}

/** The workers' connection; pass `tupletDataConverter(config.payloadKey)` to each worker. */
export async function connectWorkers(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address: addressOf(settings), ...(await transportOptions(settings)) });
}

/**
 * Says at start-up what an exposed Temporal lacks: anyone who reaches it can read every
 * series and start work on every host unless payloads are encrypted, and the network can
 * read them unless the connection is TLS.
 */
export function warnIfTemporalUnprotected(config: Config, logger: Logger): void {
  if (!config.temporal.address) return; // the embedded dev server on loopback
  const missing: string[] = [];
  if (!config.payloadKey) missing.push('payloads are not encrypted (set TUPLET_PAYLOAD_KEY)');
  if (!config.temporal.tls && !config.temporal.apiKey)
    missing.push('the connection is not TLS (set TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY)');
  if (missing.length === 0) return;
  logger.warn(
    { temporal: config.temporal.address, missing },
    `Temporal at ${config.temporal.address}: ${missing.join('; ')} — anyone who can reach Temporal ` +
      'can read series and run commands on hosts; see docs/security.md',
  );
}

function addressOf(settings: TemporalSettings): string {
  const address = settings.temporal.address;
  if (!address) throw new Error('no Temporal address to connect to (TEMPORAL_ADDRESS)');
  return address;
}

async function transportOptions(settings: TemporalSettings): Promise<{ tls?: TLSConfig; apiKey?: string }> {
  const { tls, apiKey } = settings.temporal;
  // An API key without TEMPORAL_TLS_* still travels over TLS: the SDK turns it on for keys.
  return {
    ...(tls ? { tls: await tlsConfig(tls) } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

async function tlsConfig(tls: TemporalTls): Promise<TLSConfig> {
  return {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(tls.caFile ? { serverRootCACertificate: await readPem(tls.caFile, 'TEMPORAL_TLS_CA') } : {}),
    ...(tls.certFile && tls.keyFile
      ? {
          clientCertPair: {
            crt: await readPem(tls.certFile, 'TEMPORAL_TLS_CERT'),
            key: await readPem(tls.keyFile, 'TEMPORAL_TLS_KEY'),
          },
        }
      : {}),
  };
}

async function readPem(file: string, variable: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
