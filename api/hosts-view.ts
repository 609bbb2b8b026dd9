// A host as a member may see it. Admins see every field. Members don't need the paths of key
// files on a worker's machine or the OS account runs execute as, and they should not learn
// who else may charge which account: they see only the accounts and QOS they may choose
// themselves, without the user lists.
import type { HostRow } from '../db/hosts.ts';
import { isAdmin } from './auth.ts';
import type { AuthUser } from './context.ts';
import { choicesFor } from './series/resources.ts';

export function hostForViewer(row: HostRow, viewer: AuthUser): HostRow {
  if (isAdmin(viewer)) return row;
  return {
    ...row,
    identityFile: null,
    knownHostsFile: null,
    runUser: null,
    accounts: choicesFor(row.accounts, viewer).map((name) => ({ name })),
    qos: choicesFor(row.qos, viewer).map((name) => ({ name })),
  };
}
