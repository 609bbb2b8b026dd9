// A pass-through that hashes what flows through it: a stored file's or an archive's sha256 is
// taken while it is written, never by reading it back.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Hashing {
  stream: Transform;
  /** The sha256 (hex) of everything that went through; call once the stream has ended. */
  sha256(): string;
}

export function sha256PassThrough(): Hashing {
  const hash = createHash('sha256');
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}
