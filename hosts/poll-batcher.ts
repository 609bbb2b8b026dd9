// At most one status round trip per host per interval, however many chunks and series poll
// it: every chunk workflow polls on its own timer, so a host worker collects the polls that
// arrive close together into one `pollMany` exec, starts execs at least `minGapMs` apart,
// and never has two in flight. A poll waits at most one gap (plus `gatherMs`) for its batch.
import type { PollItem, PollRequest, PollResult, SeriesSpec } from './executor.ts';

type PollMany = (items: PollItem[]) => Promise<Array<PollResult | Error>>;

interface Waiting {
  item: PollItem;
  resolve: (result: PollResult) => void;
  reject: (error: unknown) => void;
}

export interface PollBatcherOptions {
  /** Least time between the starts of two execs (the host's shortest poll interval). */
  minGapMs: number;
  /** How long a batch stays open for polls arriving together (default 20 ms). */
  gatherMs?: number;
}

export class PollBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private lastStart = -Infinity;
  private execs = 0;

  constructor(
    private readonly pollMany: PollMany,
    private readonly options: PollBatcherOptions,
  ) {}

  /** Status execs started so far (what the benchmark and tests count). */
  get execCount(): number {
    return this.execs;
  }

  poll(series: SeriesSpec, request: PollRequest): Promise<PollResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item: { series, request }, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.timer !== undefined || this.waiting.length === 0) return;
    const gather = this.options.gatherMs ?? 20;
    const wait = Math.max(gather, this.lastStart + this.options.minGapMs - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.lastStart = Date.now();
    this.execs++;
    try {
      const results = await this.pollMany(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result === undefined) w.reject(new Error('the poll answered fewer items than asked'));
        else if (result instanceof Error) w.reject(result);
        else w.resolve(result);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }
}
