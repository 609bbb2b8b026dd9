// A real S3-compatible server for tests: moto in server mode (installed by
// scripts/ensure-s3-server.sh) on a free port of 127.0.0.1, with one bucket made for the test.
// moto checks request signatures' form but takes any key pair, so the tests use a made-up one
// (and can still show that it never reaches a log or the database).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3StorageOptions } from '../../files/storage/s3.ts';
import { freePort } from './services.ts';
import { waitFor } from './wait.ts';

export const TEST_S3_CREDENTIALS = {
  accessKeyId: 'AKIATUPLETTESTKEY01',
  secretAccessKey: 'tuplet-test-secret-never-to-be-logged-0123',
};

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** Options for an S3Storage below `prefix` in the test's bucket. */
  options(prefix?: string): S3StorageOptions;
  /** The environment that points a Tuplet process at the bucket (TUPLET_STORAGE_URL and S3_*). */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  } catch {
    return false;
  }
}

export async function startS3Server(bucket = 'tuplet-test'): Promise<TestS3Server> {
  const { stdout } = await promisify(execFile)('bash', ['scripts/ensure-s3-server.sh']);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(stdout.trim(), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output}`);
      return answers(endpoint);
    },
    { what: `moto_server to answer on ${endpoint}`, timeoutMs: 60_000 },
  );
  const options = (prefix = ''): S3StorageOptions => ({
    bucket,
    prefix: prefix === '' ? '' : `${prefix.replace(/\/$/, '')}/`,
    endpoint,
    region: 'us-east-1',
    credentials: TEST_S3_CREDENTIALS,
    forcePathStyle: true,
  });
  const client = new S3Client({ ...options(), credentials: TEST_S3_CREDENTIALS });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    endpoint,
    bucket,
    options,
    env: (prefix = '') => ({
      TUPLET_STORAGE_URL: `s3://${bucket}/${prefix}`,
      TUPLET_S3_ENDPOINT: endpoint,
      TUPLET_S3_REGION: 'us-east-1',
      TUPLET_S3_ACCESS_KEY_ID: TEST_S3_CREDENTIALS.accessKeyId,
      TUPLET_S3_SECRET_ACCESS_KEY: TEST_S3_CREDENTIALS.secretAccessKey,
    }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
