// Bounds shared by the SSH transport's two ways of running a command (exec, shell channel).

/** Stderr kept of a command (its tail). */
export const MAX_STDERR_BYTES = 64 * 1024;
