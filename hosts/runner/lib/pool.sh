# shellcheck shell=bash
# The host's one pool of run slots, shared by every runner of every series under one workdir
# (docs/hosts.md, "One pool per host"). Unit U of the pool is the lock file POOL_DIR/slot-U;
# on a GPU host it is also GPU U. A runner holds a unit through flock(1) on an open file
# description of that file. The worker it starts on the unit (tuplet-runner.sh) inherits the
# description, so the unit stays taken while the worker's run lives, even when its runner is
# killed, and the kernel frees it when the last holder exits: no lock outlives its processes.
#
# A runner keeps its units from one run to the next (no process per run) and gives one back
# after a run when other runners want units and it holds more than its share. To wait, it
# starts one waiter per unit it lacks, a child in its own process group (cancel kills it with
# the runner) blocked in `flock`, which reports `L UNIT PID STATUS` on the runner's event pipe
# (POOL_EVENTS) when it has the lock; the runner passes the line to pool_got. The runner lists
# in POOL_CHILD_FDS the descriptors its children must not keep (a waiter closes them).
# Every function runs in the runner's shell; needs flock(1) and proc_start (proc-start.sh).
# The runner may read pool_state[U] (held, wait, broken or empty) and POOL_HELD (units held)
# directly: its loop runs once per run, where a function call is a cost worth saving.
#
# Fair share (docs/fair-share.md): each runner's registration says whose it is, its group's
# weight and its series' priority; a runner's share of the units is its user's weighted part
# of the pool, given within the user to the runners of the highest priority.
#
# A maxRunning quota (docs/quotas.md) is a second pool of flock units, QUOTA_DIR/slot-K, shared
# by every runner of the quota's subject (a user's or a group's series) on the host. Quota unit
# K is unit POOL_UNITS+K of this runner's arrays (POOL_QHELD of them held). A run needs one
# unit of each; the runner takes the quota unit first and waits for host units only for the
# quota units it holds, so a series waiting for its quota keeps no host unit from others.

# pool_open DIR UNITS [SHARE [QUOTA_DIR QUOTA_UNITS]]: this runner's view of the pool; registers
# it as a runner wanting units. SHARE is `USER WEIGHT RANK` (rank 0 low, 1 normal, 2 high).
pool_open() {
  POOL_DIR=$1 POOL_UNITS=$2 POOL_QDIR=${4:-} POOL_QUNITS=${5:-0}
  pool_fd=() pool_state=() pool_waiter=() pool_yielded=() POOL_HELD=0 POOL_QHELD=0 POOL_OTHERS_BELOW=0
  [[ -d $POOL_DIR/runners ]] || mkdir -p "$POOL_DIR/runners" || return 1
  if ((POOL_QUNITS > 0)); then
    [[ -d $POOL_QDIR/runners ]] || mkdir -p "$POOL_QDIR/runners" || return 1
  fi
  proc_start "$BASHPID" || return 1
  POOL_ME=$BASHPID-$REPLY
  read -r POOL_USER POOL_WEIGHT POOL_RANK <<<"${3:-- 1 1}"
  printf '%s %s %s\n' "$POOL_USER" "$POOL_WEIGHT" "$POOL_RANK" >"$POOL_DIR/runners/$POOL_ME"
  if ((POOL_QUNITS > 0)); then : >"$POOL_QDIR/runners/$POOL_ME"; fi
}

# pool_path U: REPLY is the lock file of unit U (a host unit, or a quota unit past POOL_UNITS).
pool_path() {
  if (($1 < POOL_UNITS)); then REPLY=$POOL_DIR/slot-$1; else REPLY=$POOL_QDIR/slot-$(($1 - POOL_UNITS)); fi
}

# pool_await: a waiter on every unit this runner wants and neither holds nor awaits. Without a
# quota that is every host unit; with one, the quota units (as many as the host has units)
# and host units only while it holds fewer of them than quota units: host waiters beyond that
# stop. Fails when no wanted unit can ever come (every one broken).
pool_await() {
  local u f hopeful=0 monitor=0 host_wanted=1 last=$POOL_UNITS
  [[ $- == *m* ]] && monitor=1
  if ((POOL_QUNITS > 0)); then
    ((POOL_HELD < POOL_QHELD)) || host_wanted=0
    ((POOL_QHELD < POOL_UNITS)) && last=$((POOL_UNITS + POOL_QUNITS))
  fi
  for ((u = 0; u < last; u++)); do
    if ((u < POOL_UNITS && !host_wanted)); then
      [[ ${pool_state[u]:-} == wait ]] && pool_drop "$u"
      continue
    fi
    case ${pool_state[u]:-} in
      held | wait)
        hopeful=1
        continue
        ;;
      broken) continue ;;
    esac
    if [[ -z ${pool_fd[u]:-} ]]; then
      pool_path "$u"
      # Read-write: opening a FIFO planted in its place does not block.
      if ! exec {f}<>"$REPLY"; then
        pool_state[u]=broken
        continue
      fi
      pool_fd[u]=$f
    fi
    set +m # in the runner's process group, so cancel's kill of the group ends it
    pool_wait_one "$u" "${pool_yielded[u]:-}" &
    unset 'pool_yielded[u]'
    pool_waiter[u]=$!
    pool_state[u]=wait hopeful=1
  done
  ((monitor)) && set -m
  ((hopeful))
}

# The waiter of unit $1 (a background child): reports on POOL_EVENTS once the runner's
# description holds the lock (status 0) or flock failed. A unit this runner has just yielded
# ($2 set) is awaited after POOL_YIELD_DELAY seconds: the runners already blocked on it take it
# first (who among waiters wins a lock is the kernel's choice; a waiter forked at the instant
# of the unlock would often win it straight back). TERM (pool_drop) ends it with what it waits
# in: `wait` lets the trap run at once, where a command in the foreground would delay it.
pool_wait_one() {
  local f code child=''
  pool_keep_only "$1"
  for f in "${POOL_CHILD_FDS[@]}"; do exec {f}>&-; done
  trap '[[ -n $child ]] && kill "$child" 2>/dev/null; exit 1' TERM
  if [[ -n ${2:-} ]]; then
    sleep "${POOL_YIELD_DELAY:-0.5}" &
    child=$!
    wait "$child"
  fi
  flock "${pool_fd[$1]}" &
  child=$!
  wait "$child"
  code=$?
  printf 'L %s %s %s\n' "$1" "$BASHPID" "$code" >&"$POOL_EVENTS"
}

# pool_keep_only U [Q]: closes every pool descriptor of this (sub)shell but those of units U
# and Q; sets POOL_KEPT_FD and POOL_KEPT_QFD to them (both U's without Q). A worker holds its
# own units only, a waiter the one it awaits.
pool_keep_only() {
  local u f
  for u in "${!pool_fd[@]}"; do
    [[ $u == "$1" || $u == "${2:-}" ]] && continue
    f=${pool_fd[u]}
    exec {f}>&-
  done
  # shellcheck disable=SC2034 # read by the run's `{POOL_KEPT_FD}>&-` (tuplet-runner.sh)
  POOL_KEPT_FD=${pool_fd[$1]}
  # shellcheck disable=SC2034 # read by the run's `{POOL_KEPT_QFD}>&-` (tuplet-runner.sh)
  POOL_KEPT_QFD=${pool_fd[${2:-$1}]}
}

# pool_got U PID STATUS: what waiter PID of unit U reported (or, gone without a word, its exit
# status): the unit is held (0) or can never be (anything else). A report of a waiter this
# runner no longer counts on is ignored.
pool_got() {
  [[ -n ${pool_waiter[$1]:-} && ${pool_waiter[$1]} == "$2" ]] || return 0
  unset 'pool_waiter[$1]'
  if [[ $3 == 0 ]]; then
    pool_state[$1]=held
    if (($1 < POOL_UNITS)); then POOL_HELD=$((POOL_HELD + 1)); else POOL_QHELD=$((POOL_QHELD + 1)); fi
  else
    pool_state[$1]=broken
    pool_path "$1"
    printf '%(%F %T)T pool: flock on %s failed (%s): unit %s left unused\n' -1 "$REPLY" "$3" "$1"
  fi
}

# pool_reap: the waiters that ended without a report (killed by someone else).
pool_reap() {
  local u w
  for u in "${!pool_waiter[@]}"; do
    w=${pool_waiter[u]}
    proc_start "$w" && continue
    wait "$w" 2>/dev/null
    pool_got "$u" "$w" "$?"
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
    held)
      if (($1 < POOL_UNITS)); then POOL_HELD=$((POOL_HELD - 1)); else POOL_QHELD=$((POOL_QHELD - 1)); fi
      ;&
    wait) pool_state[$1]= ;;
  esac
}

# pool_yield U: gives unit U back after pool_over_share (or pool_quota_over_share) said so.
# When another runner may be below a share of its own (POOL_OTHERS_BELOW, as the check said),
# this runner awaits U again only after a delay (pool_wait_one), so that runner takes it; when
# every share is 0 (more runners than units), they take turns in the kernel's order, at once.
pool_yield() {
  pool_drop "$1"
  ((POOL_OTHERS_BELOW)) && pool_yielded[$1]=1
  return 0
}

# pool_over_share: true when other live runners want units and this one holds more than its
# share. Users share the units by weight, floor(UNITS * weight / total weight of the users
# wanting units); a user's part goes to their runners of the highest priority, evenly
# (floor); others get none. A runner over its share gives a unit back after each run, so
# the units a floor leaves over go round, run by run. Reads one directory and each entry (no
# process); forks only to remove a dead runner's entry.
pool_over_share() {
  local e n=1 user weight rank total=0 mine=0 peers=1 limit
  POOL_OTHERS_BELOW=0
  local -A weights=([$POOL_USER]=$POOL_WEIGHT)
  for e in "$POOL_DIR"/runners/*; do
    e=${e##*/}
    [[ $e == "$POOL_ME" || $e == '*' ]] && continue
    if proc_start "${e%%-*}" && [[ $REPLY == "${e#*-}" ]]; then
      n=$((n + 1))
      user=- weight=1 rank=1
      read -r user weight rank <"$POOL_DIR/runners/$e" 2>/dev/null
      # An entry without a share (a runner from before fair share) is one user of weight 1.
      [[ $weight =~ ^[1-9][0-9]{0,5}$ ]] || weight=1
      [[ $rank =~ ^[0-2]$ ]] || rank=1
      # Names go into array subscripts: only the words the runner accepts for its own.
      [[ $user =~ ^[A-Za-z0-9_-]{1,64}$ ]] || user=-$e
      ((weight > ${weights[$user]:-0})) && weights[$user]=$weight
      if [[ $user == "$POOL_USER" ]]; then
        ((rank > POOL_RANK)) && mine=-1
        ((rank == POOL_RANK)) && peers=$((peers + 1))
      fi
    else
      rm -f "$POOL_DIR/runners/$e"
    fi
  done
  ((n > 1)) || return 1
  for weight in "${weights[@]}"; do total=$((total + weight)); done
  # Another user whose part is a unit or more may be waiting below it.
  for user in "${!weights[@]}"; do
    [[ $user != "$POOL_USER" ]] && ((POOL_UNITS * weights[$user] >= total)) && POOL_OTHERS_BELOW=1
  done
  ((mine < 0)) && POOL_OTHERS_BELOW=1 && return $((POOL_HELD == 0))
  limit=$((POOL_UNITS * POOL_WEIGHT / total / peers))
  ((POOL_HELD > limit))
}

# pool_quota_over_share: true when other live runners of the quota's subject want its units and
# this one holds more than ceil(QUOTA_UNITS / runners) of them, or any when the runners
# outnumber the quota's units (they then take turns run by run).
pool_quota_over_share() {
  local e n=1 limit
  ((POOL_QUNITS > 0)) || return 1
  for e in "$POOL_QDIR"/runners/*; do
    e=${e##*/}
    [[ $e == "$POOL_ME" || $e == '*' ]] && continue
    if proc_start "${e%%-*}" && [[ $REPLY == "${e#*-}" ]]; then
      n=$((n + 1))
    else
      rm -f "$POOL_QDIR/runners/$e"
    fi
  done
  ((n > 1)) || return 1
  if ((n > POOL_QUNITS)); then
    limit=0 POOL_OTHERS_BELOW=0
  else
    limit=$(((POOL_QUNITS + n - 1) / n)) POOL_OTHERS_BELOW=1
  fi
  ((POOL_QHELD > limit))
}

# pool_leave: this runner wants no more units: stops its waiters and unregisters. The units
# it holds stay held until it drops them (those with a run: when the run ends).
pool_leave() {
  local u
  for u in "${!pool_waiter[@]}"; do pool_drop "$u"; done
  rm -f "$POOL_DIR/runners/$POOL_ME"
  ((POOL_QUNITS > 0)) && rm -f "$POOL_QDIR/runners/$POOL_ME"
  return 0
}
