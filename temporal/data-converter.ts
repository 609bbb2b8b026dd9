// The DataConverter of every Temporal client and worker of Tuplet: with TUPLET_PAYLOAD_KEY,
// payloads (and failure messages) are encrypted; without it, plain JSON as the SDK writes it.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './payload-codec.ts';

/** Path of the module with the encrypting failure converter (for bundleWorkflowCode too). */
export const ENCRYPTED_FAILURES_PATH = fileURLToPath(new URL('./encrypted-failures.ts', import.meta.url));

export function tupletDataConverter(payloadKey: Buffer | undefined): DataConverter {
  if (!payloadKey) return {};
  return {
    payloadCodecs: [new EncryptionCodec([payloadKey])],
    failureConverterPath: ENCRYPTED_FAILURES_PATH,
  };
}
