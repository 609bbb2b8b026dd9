// What a connection test reports about a SLURM host: its partitions and its free GPUs, from
// two `sinfo` calls in one exec (pure formats and parsers; the executor runs the command).

/** Partitions: name (`*` marks the default), availability, time limit, nodes, state. */
export const SINFO_PARTITIONS_FORMAT = '%P|%a|%l|%D|%T';
/** Per node and partition: GPUs configured and in use, CPUs allocated/idle/other/total. */
export const SINFO_NODES_FORMAT = 'NodeHost:|,Partition:|,StateLong:|,Gres:|,GresUsed:|,CPUsState:|';

export interface SlurmPartition {
  name: string;
  default: boolean;
  available: boolean;
  timeLimit: string;
  /** Nodes by state, e.g. `{ idle: 3, allocated: 1 }`. */
  nodes: Record<string, number>;
}

export interface SlurmNode {
  name: string;
  partitions: string[];
  state: string;
  gpus: number;
  gpusUsed: number;
  cpusIdle: number;
  cpus: number;
}

export interface SlurmClusterInfo {
  partitions: SlurmPartition[];
  nodes: SlurmNode[];
  gpus: number;
  freeGpus: number;
}

/** `sh -c` text printing both listings (constant; no data in it). */
export const SINFO_SCRIPT = `sinfo -h -o '${SINFO_PARTITIONS_FORMAT}' && echo @@nodes && sinfo -h -N -O '${SINFO_NODES_FORMAT}'`;

/** GPUs in a GRES list: `gpu:2`, `gpu:a100:4(S:0-1)`, `gpu:1(IDX:0),mps:100`, `(null)`. */
export function gpusIn(gres: string): number {
  let total = 0;
  // Commas also separate IDX lists inside parentheses: drop those first.
  for (const item of gres.replace(/\([^)]*\)/g, '').split(',')) {
    const match = /^gpu(?::[^:]+)?:(\d+)$/.exec(item.trim());
    if (match) total += Number(match[1]);
  }
  return total;
}

export function parseSinfo(text: string): SlurmClusterInfo {
  const [partitionPart = '', nodePart = ''] = text.split(/^@@nodes$/m);
  const partitions = new Map<string, SlurmPartition>();
  for (const line of partitionPart.split('\n')) {
    const [rawName, avail, timeLimit, count, state] = line.trim().split('|');
    if (!rawName || state === undefined) continue;
    const name = rawName.replace(/\*$/, '');
    const partition = partitions.get(name) ?? {
      name,
      default: rawName.endsWith('*'),
      available: avail === 'up',
      timeLimit: timeLimit ?? '',
      nodes: {},
    };
    partition.nodes[state] = (partition.nodes[state] ?? 0) + Number(count);
    partitions.set(name, partition);
  }
  const nodes = new Map<string, SlurmNode>();
  for (const line of nodePart.split('\n')) {
    const [name, partition, state, gres = '', gresUsed = '', cpusState = ''] = line.trim().split('|');
    if (!name || state === undefined) continue;
    const known = nodes.get(name);
    if (known) {
      known.partitions.push(partition!.replace(/\*$/, ''));
      continue;
    }
    const [, idle = '0', , total = '0'] = cpusState.split('/');
    nodes.set(name, {
      name,
      partitions: [partition!.replace(/\*$/, '')],
      state,
      gpus: gpusIn(gres),
      gpusUsed: gpusIn(gresUsed),
      cpusIdle: Number(idle),
      cpus: Number(total),
    });
  }
  const list = [...nodes.values()];
  const usable = (n: SlurmNode) => !/down|drain|fail|maint|reserved|unknown|not_responding/i.test(n.state);
  return {
    partitions: [...partitions.values()],
    nodes: list,
    gpus: list.reduce((sum, n) => sum + n.gpus, 0),
    freeGpus: list.filter(usable).reduce((sum, n) => sum + Math.max(0, n.gpus - n.gpusUsed), 0),
  };
}
