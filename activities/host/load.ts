// A host's load, for placing a chunk of a multi-host series (docs/multi-host.md, "Placement by
// live capacity"): one command per host and placement round. Runner hosts: the units of the
// host's pool held now (a held unit's lock file is flock-ed by its run's worker,
// hosts/runner/lib/pool.sh; on a GPU host unit i is GPU i). SLURM: the user's pending tasks.
import type { Executor } from '../../hosts/executor.ts';
import { poolDirOf } from '../../hosts/admission.ts';
import { RunnerExecutor } from '../../hosts/runner-executor.ts';
import { SlurmExecutor } from '../../hosts/slurm/index.ts';
import type { HostLoad } from './types.ts';

// A constant script; the pool directory is its argument. `flock -n` takes a free unit's lock
// for an instant and gives it back; a held one refuses it.
const BUSY_UNITS_SCRIPT =
  'cd -- "$1" 2>/dev/null || { echo 0; exit 0; }; n=0; for f in slot-*; do [ -e "$f" ] || continue; flock -n "$f" true || n=$((n+1)); done; echo $n';

export async function loadOf(executor: Executor): Promise<HostLoad> {
  if (executor instanceof SlurmExecutor) return { pendingTasks: await executor.pendingTasks() };
  if (executor instanceof RunnerExecutor) {
    const result = await executor.transport.exec(
      ['sh', '-c', BUSY_UNITS_SCRIPT, 'sh', poolDirOf(executor.host.workdir)],
      { timeoutMs: 20_000, shared: 'read-only' },
    );
    if (result.code !== 0)
      throw new Error(`host ${executor.host.name}: the load probe exited with ${result.code}`);
    return { busyUnits: Number(result.stdout.trim()) || 0 };
  }
  return {};
}
