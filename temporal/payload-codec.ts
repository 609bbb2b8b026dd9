// Encrypts and authenticates every Temporal payload with AES-256-GCM, so that someone who
// reaches Temporal without TUPLET_PAYLOAD_KEY can neither read a series nor forge an input a
// worker would act on. The practice of Temporal's encryption sample: the whole payload
// (metadata and data) is serialized and sealed, and the outer payload says only that it is
// encrypted and with which key (by id, so that keys can rotate: old keys keep decoding).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: no named exports under ESM

const ProtoPayload = proto.temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/** A payload this process will not pass on: unencrypted, unknown key, or failed authentication. */
export class PayloadRefusedError extends ValueError {
  override name = 'PayloadRefusedError';
}

/** A public name for a key: the first 8 bytes of its SHA-256, never the key itself. */
export function payloadKeyId(key: Buffer): string {
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  /** `keys[0]` encrypts; every key decrypts what it encrypted (rotation). */
  constructor(keys: [Buffer, ...Buffer[]]) {
    for (const key of keys) {
      if (key.length !== 32) throw new ValueError(`a payload key must be 32 bytes, not ${key.length}`);
      this.keys.set(payloadKeyId(key), key);
    }
    this.currentId = payloadKeyId(keys[0]);
  }

  get keyId(): string {
    return this.currentId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload, index) => this.open(payload, index, payloads.length));
  }

  private seal(payload: Payload): Payload {
    const key = this.keys.get(this.currentId)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(associatedData(this.currentId));
    const plain = ProtoPayload.encode(payload).finish();
    const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
        [METADATA_CIPHER]: utf8(CIPHER),
        [METADATA_KEY_ID]: utf8(this.currentId),
      },
      data: sealed,
    };
  }

  private open(payload: Payload, index: number, count: number): Payload {
    const which = count > 1 ? `payload ${index + 1} of ${count}` : 'payload';
    const encoding = text(payload.metadata?.[METADATA_ENCODING_KEY]);
    if (encoding !== ENCRYPTED_ENCODING) {
      // Refused rather than passed on: a plain payload is what someone without the key writes.
      throw new PayloadRefusedError(
        `${which} refused: it is not encrypted (encoding ${encoding ?? 'none'}), and TUPLET_PAYLOAD_KEY ` +
          'requires every payload to be encrypted with it',
      );
    }
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (!key) {
      throw new PayloadRefusedError(
        `${which} refused: encrypted with key ${keyId ?? '(no key id)'}, but this process has ` +
          `TUPLET_PAYLOAD_KEY ${this.currentId}`,
      );
    }
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < NONCE_BYTES + TAG_BYTES) {
      throw new PayloadRefusedError(`${which} refused: ${sealed.length} bytes, too short to be sealed`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(associatedData(keyId!));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadRefusedError(
        `${which} refused: it failed authentication with key ${keyId} (altered after it was encrypted)`,
      );
    }
    return ProtoPayload.decode(plain);
  }
}

/** Binds the key id (and this format) into the tag: a swapped key id fails authentication. */
function associatedData(keyId: string): Buffer {
  return Buffer.from(`tuplet-payload-v1 ${keyId}`, 'utf8');
}
