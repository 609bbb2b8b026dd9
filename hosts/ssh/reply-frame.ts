// The end of one command's output on the host's shell channel (shell-channel.ts): after each
// command the shell prints `TOKEN ID CODE\n` on stdout and `TOKEN ID\n` on stderr. TOKEN is
// random per channel and travels only through the channel's stdin, never a command line or an
// environment, so a command cannot print it: whatever a command writes, even text shaped
// like a trailer, is its output until the real trailer comes.

/** Splits a stream into the command's output and the trailer that ends it. */
export class ReplyScanner {
  private readonly marker: Buffer;
  private held: Buffer = Buffer.alloc(0);
  /** What followed the marker on its line, once the whole line has come. */
  trailer: string | undefined;

  constructor(token: string, id: number) {
    this.marker = Buffer.from(`${token} ${id}`);
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
    // The end of the data may be the start of the marker: hold back that much, no more.
    const keep = Math.min(data.length, this.marker.length - 1);
    this.held = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }
}
