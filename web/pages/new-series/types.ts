// What the new-series form offers and what it starts filled with.
import type { ParameterSpec } from '../../../core/parameter-schema.ts';
import type { Resources } from '../../../hosts/executor.ts';

export interface HostChoice {
  name: string;
  kind: 'local' | 'ssh' | 'slurm';
  partition: string | null;
  gpus: number | null;
  slots: number | null;
  /** SLURM accounts and QOS the signed-in user may choose on this host. */
  accounts: string[];
  qos: string[];
  /** The pool it belongs to (docs/multi-host.md), if any. */
  pool: string | null;
  /** A drained host takes no new series: offered, but not to choose. */
  drained: boolean;
}

export interface ApplicationChoice {
  name: string;
  description: string;
  configFile: string;
  /** Its typed parameter schema; empty when it declares none. */
  parameters: ParameterSpec[];
  /** The only hosts it runs on (null: any host); the form offers only those. */
  hosts: string[] | null;
}

export interface Prefill {
  fromId?: string;
  fromLabel?: string;
  ini: string;
  application?: string;
  host?: string;
  /** The other hosts of a multi-host series (the first, `host`, is not among them). */
  hosts?: string[];
  resources?: Resources;
  description?: string;
  tags?: string[];
  /** The series' group by name, and who sees it (docs/groups.md). */
  group?: string;
  visibility?: 'everyone' | 'group';
}
