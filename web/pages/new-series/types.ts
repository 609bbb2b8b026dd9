// What the new-series form offers and what it starts filled with.
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
}

export interface ApplicationChoice {
  name: string;
  description: string;
  configFile: string;
}

export interface Prefill {
  fromId?: string;
  fromLabel?: string;
  ini: string;
  application?: string;
  host?: string;
  resources?: Resources;
  description?: string;
  tags?: string[];
}
