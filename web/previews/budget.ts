// What a preview may cost. Every preview reads at most a fixed number of bytes of a file
// (file.tsx) and must finish before a deadline: parsers call `deadline.check()` between units
// of work and reads are raced against it, so a file crafted to be slow yields "took too
// long" on the page instead of holding the server. The files are written by runs, which are
// untrusted.

/** A preview gave up: the file is too large to preview, or previewing it took too long. */
export class PreviewLimitError extends Error {
  override name = 'PreviewLimitError';
}

export interface Deadline {
  /** Throws PreviewLimitError once the time is up. */
  check(): void;
  /** The promise's value, or PreviewLimitError if the time is up first. */
  within<T>(promise: Promise<T>): Promise<T>;
}

/** A deadline `ms` from now (`now` is injectable, for tests that need it already past). */
export function deadlineIn(ms: number, now: () => number = () => performance.now()): Deadline {
  const end = now() + ms;
  const late = () =>
    new PreviewLimitError(`preview took too long (over ${ms} ms): download the file to see it`);
  return {
    check() {
      if (now() > end) throw late();
    },
    async within<T>(promise: Promise<T>): Promise<T> {
      this.check();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(late()), Math.max(0, end - now()));
      });
      try {
        return await Promise.race([promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export const NO_DEADLINE: Deadline = {
  check() {},
  within: (promise) => promise,
};
