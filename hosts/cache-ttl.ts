// How long a host's caches keep what no series used: the input cache of the host worker
// (local-inputs.ts) and the own-code environments on a host (own-code.ts). The default of
// TUPLET_HOST_CACHE_TTL_HOURS (config.ts), which the workers pass down.
export const HOST_CACHE_TTL_HOURS = 24 * 7;
