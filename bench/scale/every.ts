// Runs a sampling step again and again, `everyMs` after the previous one ended (never two at
// once, so a slow sample under load delays the next rather than piling up).
export interface Repeating {
  /** Stops repeating; resolves once the sample in progress, if any, has ended. */
  stop(): Promise<void>;
}

export function repeatEvery(everyMs: number, step: () => Promise<unknown>): Repeating {
  let running = true;
  let current: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    current = step()
      .catch(() => undefined)
      .finally(() => {
        if (running) timer = setTimeout(tick, everyMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}
