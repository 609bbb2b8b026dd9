// The SSH layer: pooled connections with verified host keys, and a Transport over them.
export { SshConnectionPool, sshConnectionsOpened, type SshOptions } from './pool.ts';
export { SshTransport, commandLine } from './transport.ts';
export {
  CommandFailedError,
  HostKeyChangedError,
  HostKeyUnknownError,
  HostUnreachableError,
  SshAuthError,
  SshConfigError,
} from './errors.ts';
export {
  parseKnownHosts,
  checkHostKey,
  fingerprint,
  hostKeyName,
  type KnownHostEntry,
} from './known-hosts.ts';
