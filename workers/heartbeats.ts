// How soon the heartbeats of long steps reach Temporal. The SDK sends an activity's heartbeats
// at most every `heartbeatTimeout × 0.8` unless the worker caps that (maxHeartbeatThrottleInterval,
// default 60 s): for the long steps' 15 s timeout (workflows/activities.ts) the server heard from
// a collect or an archive every 12 s however often it beat (every 5 s), leaving 3 s for a busy
// event loop and the gRPC call. Under load one late flush timed the attempt out and Temporal
// started the step again while the first attempt still ran (bench many: collect twice per
// series; bench scale: archiveSeries retried at attempt 13). With this cap each beat goes out
// within a second, so the server hears every ~5 s and a beat may be 10 s late before a timeout.
export const HEARTBEAT_THROTTLE_MS = 1_000;
