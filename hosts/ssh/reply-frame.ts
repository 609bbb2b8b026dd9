// The end of one command's output on the host's shell channel (shell-channel.ts): after each
// command the shell prints `MARK CODE\n` on stdout and `MARK\n` on stderr. MARK is random and
// new for every request, and travels only through the channel's stdin (never a command line
// or an environment), so a command cannot print it: whatever a command writes, even text
// shaped like a trailer (or a trailer of an earlier request), is its output until the real
// trailer comes.
import { randomBytes } from 'node:crypto';

/** A fresh request mark: 128 random bits, hex (no character the shell's `read` would split). */
export function newReplyMark(): string {
  return randomBytes(16).toString('hex');
}

/** Splits a stream into the command's output and the trailer that ends it. */
export class ReplyScanner {
  private readonly marker: Buffer;
  private held: Buffer = Buffer.alloc(0);
  /** What followed the mark on its line, once the whole line has come. */
  trailer: string | undefined;

  constructor(mark: string) {
    this.marker = Buffer.from(mark);
  }

  /** Takes a piece of the stream; returns the part of it that is the command's own output. */
  take(chunk: Buffer): Buffer {
    if (this.trailer !== undefined) return Buffer.alloc(0); // nothing may follow the trailer
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      const end = data.indexOf(0x0a, at);
      if (end < 0) {
        // The trailer's line is not whole yet: keep it back.
        this.held = data.subarray(at);
        return data.subarray(0, at);
      }
      this.trailer = data
        .subarray(at + this.marker.length, end)
        .toString('utf8')
        .trim();
      this.held = Buffer.alloc(0);
      return data.subarray(0, at);
    }
    // The end of the data may be the start of the marker: hold back that much, no more (the
    // rest goes on at once: a process-group announcement on stderr must not wait for more).
    const keep = partialMarkerAtEnd(data, this.marker);
    this.held = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }
}

/** The length of the longest end of `data` that is a beginning of `marker` (shorter than it). */
function partialMarkerAtEnd(data: Buffer, marker: Buffer): number {
  for (let length = Math.min(data.length, marker.length - 1); length > 0; length--) {
    if (data.subarray(data.length - length).equals(marker.subarray(0, length))) return length;
  }
  return 0;
}
