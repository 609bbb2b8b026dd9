// A host pool instead of named hosts (docs/multi-host.md): the API expands `pool` to the
// pool's hosts the series' group may use, that run the application and are not drained.
// new-series.js sends `pool` (and no `host`/`hosts`) while one is chosen, and reads the
// option's data-* attributes as it reads a host's: the kinds decide which resource fields show.
import type { HostChoice } from './types.ts';

/** A pool as the form offers it: its hosts open to this user, none drained. */
export interface PoolChoice {
  name: string;
  hosts: HostChoice[];
}

/** The pools of the hosts offered, by name; a pool whose every host is drained is left out. */
export function poolsOf(hosts: readonly HostChoice[]): PoolChoice[] {
  const byName = new Map<string, HostChoice[]>();
  for (const host of hosts) {
    if (host.pool === null || host.drained) continue;
    byName.set(host.pool, [...(byName.get(host.pool) ?? []), host]);
  }
  return [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => ({ name, hosts: members }));
}

/** What a pool's option tells the script: the widest kind and GPUs, the choices valid on all. */
function poolData(pool: PoolChoice): Record<string, string> {
  const clusters = pool.hosts.filter((h) => h.kind === 'slurm');
  // An account or QOS the series names is checked on every host: only those all clusters allow.
  const common = (field: 'accounts' | 'qos') =>
    clusters.length === 0
      ? []
      : clusters.map((h) => h[field]).reduce((kept, list) => kept.filter((name) => list.includes(name)));
  return {
    'data-kind': clusters.length > 0 ? 'slurm' : pool.hosts.some((h) => h.kind === 'ssh') ? 'ssh' : 'local',
    'data-gpus': String(Math.max(0, ...pool.hosts.map((h) => h.gpus ?? 0)) || ''),
    'data-partition': '',
    'data-accounts': JSON.stringify(common('accounts')),
    'data-qos': JSON.stringify(common('qos')),
    'data-hosts': JSON.stringify(pool.hosts.map((h) => h.name)),
  };
}

export function PoolSelect(props: { hosts: HostChoice[] }) {
  const pools = poolsOf(props.hosts);
  if (pools.length === 0) return null;
  return (
    <div style="margin-top:0.4rem">
      <label for="pool">
        Or a pool <span class="hint">its hosts open to you, not drained; chunks go where there is room</span>
      </label>
      <select id="pool" name="pool">
        <option value="">no pool: the hosts above</option>
        {pools.map((pool) => (
          <option value={pool.name} {...poolData(pool)}>
            {`${pool.name} — ${pool.hosts.map((h) => h.name).join(', ')}`}
          </option>
        ))}
      </select>
    </div>
  );
}
