// Is the series page usable while the series runs? Every few seconds, one GET of the page and
// one of /healthz (the database and Temporal answering: the floor of any page) back to back,
// so both see the same load; the ratio of their p95s is the figure.
import type { Api } from '../../test/support/stack.ts';
import { repeatEvery, type Repeating } from './every.ts';

export interface PageTimes {
  samples: number;
  page_p95_s: number;
  page_max_s: number;
  healthz_p95_s: number;
  ratio: number;
  /** Answers other than 200 (each one a failure of the page, counted, not timed). */
  errors: number;
}

export function p95(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

export class PageSampler {
  readonly #api: Api;
  readonly #route: string;
  readonly #page: number[] = [];
  readonly #healthz: number[] = [];
  #errors = 0;
  #repeating: Repeating | undefined;

  constructor(api: Api, route: string) {
    this.#api = api;
    this.#route = route;
  }

  async #time(route: string, into: number[]): Promise<void> {
    const started = performance.now();
    const response = await this.#api.fetch(route);
    await response.arrayBuffer();
    if (response.status !== 200) this.#errors++;
    else into.push((performance.now() - started) / 1000);
  }

  start(everyMs = 3_000): void {
    this.#repeating = repeatEvery(everyMs, () =>
      this.#time(this.#route, this.#page)
        .then(() => this.#time('/healthz', this.#healthz))
        .catch(() => void this.#errors++),
    );
  }

  async stop(): Promise<PageTimes> {
    await this.#repeating?.stop();
    const page = p95(this.#page);
    const healthz = p95(this.#healthz);
    return {
      samples: this.#page.length,
      page_p95_s: +page.toFixed(3),
      page_max_s: +Math.max(0, ...this.#page).toFixed(3),
      healthz_p95_s: +healthz.toFixed(3),
      ratio: healthz > 0 ? +(page / healthz).toFixed(2) : 0,
      errors: this.#errors,
    };
  }
}
