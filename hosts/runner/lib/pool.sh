# shellcheck shell=bash
# The host's one pool of run slots, shared by every runner of every series under one workdir
# (docs/hosts.md, "One pool per host"). Unit U of the pool is the lock file POOL_DIR/slot-U;
# on a GPU host it is also GPU U. A runner holds a unit through flock(1) on an open file
# description of that file. The wrapper of the run it starts on the unit inherits the
# description, so the unit stays taken while the run lives, even when its runner is killed,
# and the kernel frees it when the last holder exits: no lock outlives its processes.
#
# A runner keeps its units from one run to the next (no process per run) and gives one back
# after a run when other runners want units and it holds more than its share. To wait, it
# starts one blocked `flock` per unit it lacks, a child in its own process group (cancel
# kills it with the runner); `wait -n` wakes the runner when one of them gets its unit.
# Every function runs in the runner's shell; needs flock(1) and proc_start (proc-start.sh).
# The runner may read pool_state[U] (held, wait, broken or empty) and POOL_HELD (units held)
# directly: its loop runs once per run, where a function call is a cost worth saving.

# pool_open DIR UNITS: this runner's view of the pool; registers it as a runner wanting units.
pool_open() {
  POOL_DIR=$1 POOL_UNITS=$2
  pool_fd=() pool_state=() pool_waiter=() POOL_HELD=0
  [[ -d $POOL_DIR/runners ]] || mkdir -p "$POOL_DIR/runners" || return 1
  proc_start "$BASHPID" || return 1
  POOL_ME=$BASHPID-$REPLY
  : >"$POOL_DIR/runners/$POOL_ME"
}

# pool_await: a waiter on every unit this runner neither holds nor awaits. Fails when no unit
# can ever come (every one broken).
pool_await() {
  local u f hopeful=0 monitor=0
  [[ $- == *m* ]] && monitor=1
  for ((u = 0; u < POOL_UNITS; u++)); do
    case ${pool_state[u]:-} in
      held | wait)
        hopeful=1
        continue
        ;;
      broken) continue ;;
    esac
    if [[ -z ${pool_fd[u]:-} ]]; then
      # Read-write: opening a FIFO planted in its place does not block.
      if ! exec {f}<>"$POOL_DIR/slot-$u"; then
        pool_state[u]=broken
        continue
      fi
      pool_fd[u]=$f
    fi
    set +m # in the runner's process group, so cancel's kill of the group ends it
    pool_wait_one "$u" &
    pool_waiter[u]=$!
    pool_state[u]=wait hopeful=1
  done
  ((monitor)) && set -m
  ((hopeful))
}

# The waiter of unit $1 (a background child): exits 0 once the runner's description holds it.
pool_wait_one() {
  pool_keep_only "$1"
  exec flock "${pool_fd[$1]}"
}

# pool_keep_only U: closes every pool descriptor of this (sub)shell but unit U's; sets
# POOL_KEPT_FD to that one. A run's wrapper holds its own unit only, a waiter the one it awaits.
pool_keep_only() {
  local u f
  for u in "${!pool_fd[@]}"; do
    [[ $u == "$1" ]] && continue
    f=${pool_fd[u]}
    exec {f}>&-
  done
  # shellcheck disable=SC2034 # read by the run's `{POOL_KEPT_FD}>&-` (tuplet-runner.sh)
  POOL_KEPT_FD=${pool_fd[$1]}
}

# pool_ended PID STATUS: when child PID was a waiter, records what it got (true); else false.
pool_ended() {
  local u
  for u in "${!pool_waiter[@]}"; do
    [[ ${pool_waiter[u]} == "$1" ]] || continue
    unset 'pool_waiter[u]'
    case $2 in
      0)
        pool_state[u]=held
        POOL_HELD=$((POOL_HELD + 1))
        ;;
      # Status unknown (an older bash's `wait -n` reaped it): wait again; a lock this
      # description already holds answers at once.
      127) pool_state[u]= ;;
      *)
        pool_state[u]=broken
        printf '%(%F %T)T pool: flock on %s failed (%s): unit %s left unused\n' -1 "$POOL_DIR/slot-$u" "$2" "$u"
        ;;
    esac
    return 0
  done
  return 1
}

# pool_reap: records the waiters that ended meanwhile (zombies, not yet waited for).
pool_reap() {
  local u w
  for u in "${!pool_waiter[@]}"; do
    w=${pool_waiter[u]}
    proc_start "$w" && continue
    wait "$w" 2>/dev/null
    pool_ended "$w" $?
  done
}

# pool_drop U: gives unit U back, or stops waiting for it.
pool_drop() {
  local f=${pool_fd[$1]:-} w=${pool_waiter[$1]:-}
  if [[ -n $w ]]; then
    kill "$w" 2>/dev/null
    wait "$w" 2>/dev/null
    unset 'pool_waiter[$1]'
  fi
  [[ -n $f ]] && exec {f}>&-
  unset 'pool_fd[$1]'
  case ${pool_state[$1]:-} in
    held) POOL_HELD=$((POOL_HELD - 1)) ;&
    wait) pool_state[$1]= ;;
  esac
}

# pool_over_share: true when other live runners want units and this one holds more than its
# share, ceil(UNITS / runners), or any unit at all when the runners outnumber the units (they
# then take turns run by run). Reads one directory; forks only to remove a dead runner's entry.
pool_over_share() {
  local e n=1 limit
  for e in "$POOL_DIR"/runners/*; do
    e=${e##*/}
    [[ $e == "$POOL_ME" || $e == '*' ]] && continue
    if proc_start "${e%%-*}" && [[ $REPLY == "${e#*-}" ]]; then
      n=$((n + 1))
    else
      rm -f "$POOL_DIR/runners/$e"
    fi
  done
  ((n > 1)) || return 1
  if ((n > POOL_UNITS)); then limit=0; else limit=$(((POOL_UNITS + n - 1) / n)); fi
  ((POOL_HELD > limit))
}

# pool_leave: this runner wants no more units: stops its waiters and unregisters. The units
# it holds stay held until it drops them (those with a run: when the run ends).
pool_leave() {
  local u
  for u in "${!pool_waiter[@]}"; do pool_drop "$u"; done
  rm -f "$POOL_DIR/runners/$POOL_ME"
}
