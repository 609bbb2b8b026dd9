// The executors of a host worker: one per version of each host in use. A chunk workflow holds
// the HostSpec it loaded when it started, so once an admin edits a host, chunks started before
// and after the edit ask with two versions of it at once. Each version gets its own executor,
// counted while a step uses it; the newest version's executor is kept for the next step (its
// pooled SSH connection), an older one is closed when its last step ends. A host edit therefore
// never closes an executor under a running step (before, each alternation of versions closed
// the other version's executor, with its SSH connection and whatever ran on it).
import type { Executor, HostSpec } from '../../hosts/executor.ts';

interface Entry {
  key: string;
  executor: Executor;
  /** Steps using the executor now. */
  users: number;
}

/** What tells two versions of a host apart: the whole spec. */
export const versionKey = (host: HostSpec): string => JSON.stringify(host);

export class HostExecutors {
  private readonly entries = new Map<string, Entry>();
  /** The newest version seen of each host name, by `newer`. */
  private readonly newestOf = new Map<string, HostSpec>();
  /**
   * When each version was first seen, never forgotten (a few keys per edit): an old version
   * asked for again after its executor was closed must not pass for a new one.
   */
  private readonly firstSeen = new Map<string, number>();
  private seen = 0;
  private closed = false;

  constructor(private readonly create: (host: HostSpec) => Executor) {}

  /** Runs `work` with the executor of this version of the host, which stays open until it ends. */
  async use<T>(host: HostSpec, work: (executor: Executor) => Promise<T>): Promise<T> {
    const entry = this.acquire(host);
    try {
      return await work(entry.executor);
    } finally {
      this.release(host.name, entry);
    }
  }

  /**
   * Whether `a` is a later version of its host than `b`: by `admission.setAt` (the host row's
   * `updatedAt`, set on local and ssh hosts), then by which this worker saw first.
   */
  newer(a: HostSpec, b: HostSpec): boolean {
    const setAt = (a.admission?.setAt ?? 0) - (b.admission?.setAt ?? 0);
    if (setAt !== 0) return setAt > 0;
    return this.noteSeen(versionKey(a)) > this.noteSeen(versionKey(b));
  }

  /** Executors open now (what tests look at). */
  get openCount(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(open.map(({ executor }) => executor.close()));
  }

  private acquire(host: HostSpec): Entry {
    if (this.closed) throw new Error(`the host worker is stopping: no executor for host ${host.name}`);
    const key = versionKey(host);
    this.noteSeen(key);
    const newest = this.newestOf.get(host.name);
    if (!newest || this.newer(host, newest)) {
      this.newestOf.set(host.name, host);
      // The version it replaces goes now if idle, else when its last step ends (release).
      if (newest) this.closeIfIdle(newest.name, versionKey(newest));
    }
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, executor: this.create(host), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    return entry;
  }

  private release(name: string, entry: Entry): void {
    entry.users--;
    this.closeIfIdle(name, entry.key);
  }

  private closeIfIdle(name: string, key: string): void {
    const entry = this.entries.get(key);
    if (!entry || entry.users > 0) return;
    const newest = this.newestOf.get(name);
    if (newest && versionKey(newest) === key) return;
    this.entries.delete(key);
    void entry.executor.close().catch(() => undefined);
  }

  private noteSeen(key: string): number {
    let order = this.firstSeen.get(key);
    if (order === undefined) {
      order = ++this.seen;
      this.firstSeen.set(key, order);
    }
    return order;
  }
}
