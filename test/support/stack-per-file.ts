// The usual start of an end-to-end test file: a Temporal dev server and the in-process stack on
// it (test/support/stack.ts), started before the file's tests and stopped after them, the stack
// first. One place for the order and for stopping what a failed start left running.
//   const local = useTestStack();                       // inside describe(), before any test
//   test('…', async () => { await local.stack.request('GET', '/healthz'); });
import { after, before } from 'node:test';
import { startTestStack, type InProcessStack, type StackOptions } from './stack.ts';
import { startTemporal, type TestTemporal } from './temporal.ts';

export interface TemporalAndStack {
  temporal: TestTemporal;
  stack: InProcessStack;
  /** Stops the stack, then Temporal. */
  stop(): Promise<void>;
}

function together(temporal: TestTemporal, stack: InProcessStack): TemporalAndStack {
  return {
    temporal,
    stack,
    async stop() {
      await stack.stop();
      await temporal.stop();
    },
  };
}

/** Starts Temporal, then the stack on it; a stack that fails to start stops Temporal again. */
export async function startTemporalAndStack(
  options: Omit<StackOptions, 'temporalAddress'> = {},
): Promise<TemporalAndStack> {
  const temporal = await startTemporal();
  try {
    return together(temporal, await startTestStack({ ...options, temporalAddress: temporal.address }));
  } catch (error) {
    await temporal.stop();
    throw error;
  }
}

/**
 * Registers before/after hooks that start and stop Temporal and a stack for the enclosing
 * describe (or file). The answer's fields are there once the hooks ran: read them in tests and
 * in later hooks, never at registration.
 */
export function useTestStack(options: Omit<StackOptions, 'temporalAddress'> = {}): {
  readonly temporal: TestTemporal;
  readonly stack: InProcessStack;
  /**
   * Tuplet restarted: the stack stopped, `whileDown` run (what happens while no Tuplet process
   * runs), and a new stack started on the same data directory, admin token and Temporal.
   */
  restartStack(whileDown?: () => Promise<unknown>): Promise<void>;
} {
  let running: TemporalAndStack | undefined;
  before(async () => {
    running = await startTemporalAndStack(options);
  });
  after(async () => {
    await running?.stop();
  });
  const started = (): TemporalAndStack => {
    if (!running) throw new Error('the test stack is read before its before() hook started it');
    return running;
  };
  return {
    get temporal() {
      return started().temporal;
    },
    get stack() {
      return started().stack;
    },
    async restartStack(whileDown) {
      const { temporal, stack } = started();
      await stack.stop();
      // Until the new stack is up, only Temporal is left to stop.
      running = { temporal, stack, stop: () => temporal.stop() };
      await whileDown?.();
      const again = await startTestStack({
        ...options,
        temporalAddress: temporal.address,
        dataDir: stack.dataDir,
        adminToken: stack.token,
      });
      running = together(temporal, again);
    },
  };
}
