// Typed errors of the SSH layer: activities map them by `name` to non-retryable failures
// (auth, host key) or retryable ones (unreachable, command failed).
export { CommandFailedError } from '../errors.ts';

abstract class SshError extends Error {
  constructor(
    /** `user@address:port` */
    readonly target: string,
    message: string,
  ) {
    super(message);
  }
}

/** The server refused every offered identity (key file, agent). */
export class SshAuthError extends SshError {
  override name = 'SshAuthError';
}

/** The host presented a key its known_hosts file does not hold: refused, never accepted. */
export class HostKeyUnknownError extends SshError {
  override name = 'HostKeyUnknownError';
  constructor(
    target: string,
    message: string,
    readonly fingerprint?: string,
  ) {
    super(target, message);
  }
}

/** The host presented a key other than the one its known_hosts file holds (or a revoked one). */
export class HostKeyChangedError extends SshError {
  override name = 'HostKeyChangedError';
  constructor(
    target: string,
    message: string,
    readonly fingerprint?: string,
  ) {
    super(target, message);
  }
}

/** No connection could be made (refused, timed out, name unknown, dropped during the handshake). */
export class HostUnreachableError extends SshError {
  override name = 'HostUnreachableError';
}

/** The host's SSH settings cannot work (missing address or key file). */
export class SshConfigError extends SshError {
  override name = 'SshConfigError';
}
