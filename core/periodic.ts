// A task the service runs at start and then every so often in its own process (the package
// purge, PGlite's upkeep): one pass at a time, a failed pass reported and the next one tried,
// and the timer never keeps the process up.

export interface Periodic {
  /** No more passes; resolves when the one under way (if any) has ended. */
  stop(): Promise<void>;
}

export function startPeriodic(
  pass: () => Promise<unknown>,
  intervalMs: number,
  onError: (error: unknown) => void,
): Periodic {
  let running: Promise<unknown> | undefined;
  const runOnce = () => {
    running ??= pass()
      .catch(onError)
      .finally(() => (running = undefined));
  };
  runOnce();
  const timer = setInterval(runOnce, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
