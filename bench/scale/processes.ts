// Peak resident memory of the processes a scale run involves, sampled from /proc: each group
// (the stack, the Temporal server, PostgreSQL, the host runners, sshd, slurmctld/slurmd) is
// a set of processes picked by a rule, and its peak is kept both for its largest single
// process and for the sum of its processes. `mark(label)` copies the peaks so far, so a run
// can show them at N/10 and at N side by side: flat memory means the two agree.
import { readdir, readFile } from 'node:fs/promises';
import { repeatEvery, type Repeating } from './every.ts';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  rssMb: number;
  cmdline: string;
}

/**
 * Which processes belong to a group: exactly `pids`, the processes `roots` picks with all
 * their descendants, and those whose command line matches `cmdline`.
 */
export interface ProcessGroup {
  name: string;
  pids?: number[];
  roots?: (all: ProcessInfo[]) => number[];
  cmdline?: RegExp;
}

export interface GroupPeak {
  /** The largest single process of the group seen so far, MB. */
  process_mb: number;
  /** The largest sum over the group's processes in one sample, MB. */
  total_mb: number;
  /** The most processes of the group seen in one sample. */
  processes: number;
}

const PAGE_MB = 4096 / 2 ** 20;

async function readProcesses(): Promise<ProcessInfo[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    pids.map(async (name): Promise<ProcessInfo | undefined> => {
      try {
        const [stat, cmdline] = await Promise.all([
          readFile(`/proc/${name}/stat`, 'utf8'),
          readFile(`/proc/${name}/cmdline`, 'utf8'),
        ]);
        // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return {
          pid: Number(name),
          ppid: Number(fields[1]),
          rssMb: Number(fields[21]) * PAGE_MB,
          cmdline: cmdline.replaceAll('\0', ' ').trim(),
        };
      } catch {
        return undefined; // it ended between the listing and the read
      }
    }),
  );
  return found.filter((p): p is ProcessInfo => p !== undefined);
}

function membersOf(group: ProcessGroup, all: ProcessInfo[]): ProcessInfo[] {
  const picked = new Set<number>(group.roots?.(all) ?? []);
  if (picked.size > 0) {
    // Descendants: repeat until no process is added (a parent may come after its child).
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of all) {
        if (!picked.has(p.pid) && picked.has(p.ppid)) {
          picked.add(p.pid);
          grew = true;
        }
      }
    }
  }
  for (const pid of group.pids ?? []) picked.add(pid);
  return all.filter((p) => picked.has(p.pid) || (group.cmdline?.test(p.cmdline) ?? false));
}

export class ProcessSampler {
  readonly #groups: ProcessGroup[];
  readonly #peaks = new Map<string, GroupPeak>();
  readonly #marks: Record<string, Record<string, GroupPeak>> = {};
  #repeating: Repeating | undefined;
  samples = 0;

  constructor(groups: ProcessGroup[]) {
    this.#groups = groups;
    for (const g of groups) this.#peaks.set(g.name, { process_mb: 0, total_mb: 0, processes: 0 });
  }

  start(everyMs = 1_000): void {
    this.#repeating = repeatEvery(everyMs, () => this.sample());
  }

  async stop(): Promise<void> {
    await this.#repeating?.stop();
    await this.sample();
  }

  async sample(): Promise<void> {
    const all = await readProcesses();
    for (const group of this.#groups) {
      const members = membersOf(group, all);
      const peak = this.#peaks.get(group.name)!;
      peak.process_mb = Math.max(peak.process_mb, ...members.map((p) => p.rssMb), 0);
      peak.total_mb = Math.max(
        peak.total_mb,
        members.reduce((sum, p) => sum + p.rssMb, 0),
      );
      peak.processes = Math.max(peak.processes, members.length);
    }
    this.samples++;
  }

  /** Takes one more sample now and keeps a copy of every group's peaks so far under `label`. */
  async mark(label: string): Promise<void> {
    await this.sample();
    this.#marks[label] = this.peaks();
  }

  peaks(): Record<string, GroupPeak> {
    const rounded: Record<string, GroupPeak> = {};
    for (const [name, p] of this.#peaks) {
      rounded[name] = {
        process_mb: Math.round(p.process_mb),
        total_mb: Math.round(p.total_mb),
        processes: p.processes,
      };
    }
    return rounded;
  }

  marks(): Record<string, Record<string, GroupPeak>> {
    return this.#marks;
  }
}
