#!/usr/bin/env bash
# Tuplet's detached runner: runs the tuples of one chunk on a host without a scheduler
# (the local machine or an SSH workstation). Needs bash >= 4.3 and coreutils, not Node.
# It is copied to <seriesDir>/.tuplet/tuplet-runner.sh by staging and driven by the
# host layer with these subcommands (every argument is a separate word, never code):
#
#   start  SERIES_DIR SERIES_ID CONFIG_FILE CHUNK ATTEMPT SLOTS GPUS RANGES [ADMISSION [SHARE [QUOTA QUOTA_REASON]]]
#          Starts the chunk's runner detached (own session, survives the caller and its
#          SSH connection) unless one for this attempt is alive or finished. Prints one
#          line: `started|running|finished|cancelled PID STARTTIME`. SLOTS and GPUS are
#          the host's: every runner under the workdir draws from one pool of SLOTS units
#          (GPUS of them when the host has fewer GPUs; unit i is then GPU i), see lib/pool.sh.
#          ADMISSION: the host's load thresholds as lib/admission.sh reads them; written to
#          the pool's `admission` file (every poll writes it too).
#          SHARE: `USER WEIGHT RANK`, whose runs these are for the fair share (lib/pool.sh,
#          docs/fair-share.md). QUOTA: `KEY LIMIT`, a maxRunning quota shared by every runner
#          of its subject on the host (the pool's quota-KEY/); QUOTA_REASON: what the series'
#          waiting file says while the quota holds it (docs/quotas.md).
#   cancel SERIES_DIR GRACE_SECONDS
#          Kills every runner and run of the series (TERM, then KILL after the grace).
#
# RANGES: comma-separated `start-endExclusive` index ranges, e.g. `0-100` or `3-4,9-12`.
#
# The host layer starts `start` under `env -i` with an allowlisted environment and the
# variables an admin set (hosts/runner/environment.ts): the runner and its runs see nothing
# of the worker's. Each run gets that environment plus TUPLET_SERIES, TUPLET_INDEX,
# TUPLET_DIR, TUPLET_CONFIG and, on a GPU slot, CUDA_VISIBLE_DEVICES.
#
# Files, all under SERIES_DIR/.tuplet/ unless said otherwise:
#   chunk-K.pid        `PID STARTTIME ATTEMPT` of the chunk's runner (start time tells a
#                      reused PID apart)
#   chunk-K.done       the attempt whose runner went through all its runs
#   chunk-K.log        the runner's own output
#   active/cK-PID      `STARTTIME` of each worker of chunk K's runner (one per unit of the
#                      pool it holds, running the chunk's tuples one after another); PID is
#                      the worker's process group, with its run in it (what cancel kills)
#   cancelled          the highest attempt cancelled: runs of attempts <= it never start
#   runs/DIR/.tuplet/  per run: claim-N (`PID STARTTIME` of the worker that ran it, created
#                      exclusively once per attempt), attempt, started, stdout, stderr, ended,
#                      exit (written last), reason (LOST when the run's worker vanished)
#   ../.tuplet-pool/   the host's pool, beside the series directories (lib/pool.sh):
#                      slot-U (the lock of unit U), runners/PID-STARTTIME (runners wanting units),
#                      admission (the load thresholds, lib/admission.sh)
#   waiting            why a runner of the series waits for the host's load (lib/admission.sh)
set -u

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 3))); then
  echo "tuplet-runner: bash >= 4.3 is required (this is $BASH_VERSION)" >&2
  exit 3
fi

# The script's absolute path: the runner changes directory, then re-invokes itself.
SELF=$0
[[ $SELF == /* ]] || SELF=$PWD/$SELF

# shellcheck source=hosts/runner/lib/proc-start.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/proc-start.sh"
# shellcheck source=hosts/runner/lib/tuples-in-ranges.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tuples-in-ranges.sh"
# shellcheck source=hosts/runner/lib/pool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/pool.sh"
# shellcheck source=hosts/runner/lib/admission.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/admission.sh"

# True when process $1 is alive and started at $2 (so not a reused PID).
alive() {
  [[ -n ${1:-} && -n ${2:-} ]] || return 1
  proc_start "$1" && [[ $REPLY == "$2" ]]
}

now() { printf '%(%s)T' -1; }

# Writes $2 into file $1 atomically (readers never see a partial file).
write_atomic() {
  printf '%s\n' "$2" >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

# True when attempt $2 of series dir $1 was cancelled (no fork: checked once per run).
is_cancelled() {
  local c=''
  [[ -f $1/.tuplet/cancelled ]] || return 1
  read -r c <"$1/.tuplet/cancelled" || true
  ((${2} <= ${c:--1}))
}

cmd_start() {
  local dir=$1 series=$2 config=$3 chunk=$4 attempt=$5 slots=$6 gpus=$7 ranges=$8 admission=${9:-}
  local share=${10:-} quota=${11:-} quota_reason=${12:-}
  local t=$dir/.tuplet pid st att done_attempt pool=${1%/*}/.tuplet-pool
  mkdir -p "$t/active" || exit 1
  [[ -n $admission ]] && admission_store "$pool" "$admission"
  # One start at a time per chunk: a retried submit waits for the first, then finds it.
  exec 9>"$t/chunk-$chunk.lock"
  if ! command -v flock >/dev/null; then
    echo "tuplet-runner: flock (util-linux) is required: runs share the host's slots through its locks" >&2
    exit 1
  fi
  flock 9

  if [[ -f $t/chunk-$chunk.pid ]]; then
    read -r pid st att <"$t/chunk-$chunk.pid"
    if [[ $att == "$attempt" ]] && alive "$pid" "$st"; then
      echo "running $pid $st"
      return 0
    fi
    if [[ -f $t/chunk-$chunk.done ]]; then
      read -r done_attempt <"$t/chunk-$chunk.done"
      if [[ $done_attempt == "$attempt" ]]; then
        echo "finished $pid $st"
        return 0
      fi
    fi
  fi
  if is_cancelled "$dir" "$attempt"; then
    echo "cancelled 0 0"
    return 0
  fi
  # A runner started from a non-leader child: setsid makes it a session and process
  # group leader in place, so $! is its PID and its process group.
  setsid "$BASH" "$SELF" main "$dir" "$series" "$config" "$chunk" "$attempt" "$slots" "$gpus" "$ranges" \
    "$share" "$quota" "$quota_reason" \
    </dev/null >>"$t/chunk-$chunk.log" 2>&1 9>&- &
  pid=$!
  proc_start "$pid" || {
    echo "tuplet-runner: the runner of chunk $chunk exited at once; see $t/chunk-$chunk.log" >&2
    exit 1
  }
  write_atomic "$t/chunk-$chunk.pid" "$pid $REPLY $attempt"
  echo "started $pid $REPLY"
}

# Marks a run whose worker vanished before writing its exit file.
mark_lost() {
  local rt=$1
  [[ -f $rt/exit ]] && return 0
  printf 'LOST\n' >"$rt/reason"
  now >"$rt/ended"
  write_atomic "$rt/exit" -1
}

# Sets PIPE_R and PIPE_W to the two ends of a new pipe. Bash makes no pipe between
# descriptors of its own; a process substitution's pipe, opened again through /dev/fd (Linux),
# gives separate ends, so a reader sees EOF once every writer is gone.
make_pipe() {
  local both
  exec {both}<> <(:)
  exec {PIPE_R}<"/dev/fd/$both" {PIPE_W}>"/dev/fd/$both" {both}>&-
}

# The runner hands the tuples of its chunk to one worker per unit of the pool it holds, over
# pipes; a worker runs them one after another (one process per run, as `xargs -P` starts)
# and says when each has ended. Every decision (which tuple, whether to keep a unit, admission,
# adoption) stays in the runner, which waits on one pipe for what its workers and its pool
# waiters report.
cmd_main() {
  local dir=$1 series=$2 config=$3 chunk=$4 attempt=$5 slots=$6 gpus=$7 ranges=$8
  local share=${9:-} quota=${10:-} quota_reason=${11:-} quota_key='' quota_units=0
  local t=$dir/.tuplet list units list_done=0 left=0 listfd events ticker_pid s q f
  # Per unit of the pool: its worker (PID, start time, the pipe that sends it tuples, its quota
  # unit) and the run the worker is on (the run's directory; empty while it waits for the next).
  local -a wpid=() wst=() wpipe=() wq=() wrun=() qbusy=()
  # Runs started by an earlier runner of this attempt: only watched (their workers hold units).
  local -a apid=() ast=() adir=()
  # The tuple to start next, read from the list.
  local next_index='' next_dir=''
  cd "$dir" || exit 1
  ((slots >= 1)) || slots=1
  # Each GPU to one run at a time: a GPU host has no more units than GPUs.
  units=$slots
  ((gpus > 0 && gpus < slots)) && units=$gpus
  echo "$(date '+%F %T') runner of chunk $chunk attempt $attempt: slots=$slots gpus=$gpus units=$units ranges=$ranges"

  # The application's command, read once: each run hands it to `bash -c`, which execs a
  # simple command in place (one process per run, as `xargs -P` would start).
  RUN_COMMAND=$(<"$t/command.sh") || exit 1
  list=$t/chunk-$chunk.list
  tuples_in_ranges "$ranges" <tuples.tsv >"$list.tmp" && mv -f "$list.tmp" "$list" || exit 1
  # Every run's .tuplet/ at once (one process), so starting a run needs no mkdir.
  awk -F '\t' '{ print "runs/" $2 "/.tuplet" }' "$list" | xargs -r -d '\n' mkdir -p --
  exec {listfd}<"$list" || exit 1

  # What workers and pool waiters report, one line each (shorter than PIPE_BUF, so lines of
  # several writers never mix). A write to a worker that died fails instead of killing us.
  make_pipe
  events=$PIPE_R POOL_EVENTS=$PIPE_W
  trap '' PIPE
  # Descriptors only the runner may hold: a child that kept a worker's pipe open would keep
  # that worker waiting for tuples after the runner died.
  POOL_CHILD_FDS=("$listfd" "$events")

  # Job control: each worker is a background job in its own process group (what cancel kills,
  # with its run).
  set -m

  # Arguments from the host layer, checked anyway: they name files and feed arithmetic.
  [[ $share =~ ^[A-Za-z0-9_-]{1,64}\ [1-9][0-9]{0,5}\ [0-2]$ ]] || share=''
  if [[ $quota =~ ^([A-Za-z0-9_-]{1,80})\ ([0-9]{1,6})$ ]]; then
    quota_key=${BASH_REMATCH[1]} quota_units=${BASH_REMATCH[2]}
    # A quota of 0 would never let a run start: one at a time (docs/quotas.md).
    ((quota_units >= 1)) || quota_units=1
    # A quota of at least the host's units never binds here: no second pool to wait on.
    ((quota_units < units)) || quota_key='' quota_units=0
  fi
  pool_open "${dir%/*}/.tuplet-pool" "$units" "$share" "${dir%/*}/.tuplet-pool/quota-$quota_key" "$quota_units" || exit 1

  # Marks run $1 (directory name) LOST when its worker, PID $2, died before writing the exit file.
  settle() {
    local rt=runs/$1/.tuplet cpid=''
    if [[ ! -f $rt/exit ]]; then
      [[ -s $rt/claim-$attempt ]] && read -r cpid _ <"$rt/claim-$attempt"
      [[ -z $cpid || $cpid == "$2" ]] && mark_lost "$rt"
    fi
  }

  # Run $1 has a claim of this attempt that is not ours: an earlier runner's worker started it.
  # Watched while that worker lives; LOST when it is gone without an exit file.
  adopt() {
    local rt=runs/$1/.tuplet claim=runs/$1/.tuplet/claim-$attempt rpid='' rst='' waited=0
    [[ -f $rt/exit ]] && return 0
    while [[ ! -s $claim ]] && ((waited < 20)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    [[ -s $claim ]] && read -r rpid rst <"$claim"
    if alive "$rpid" "$rst"; then
      apid+=("$rpid") ast+=("$rst") adir+=("$1")
    else
      mark_lost "$rt"
    fi
  }

  # Forgets the adopted runs that ended.
  settle_adopted() {
    local i
    for i in "${!apid[@]}"; do
      alive "${apid[i]}" "${ast[i]}" && continue
      settle "${adir[i]}" "${apid[i]}"
      unset 'apid[i]' 'ast[i]' 'adir[i]'
    done
  }

  # Sets next_index and next_dir to the next tuple of the list to start (runs started before,
  # by an earlier runner of this attempt, are never started again); fails at the list's end.
  next_tuple() {
    local index rdir
    [[ -n $next_dir ]] && return 0
    ((list_done)) && return 1
    while IFS=$'\t' read -r -u "$listfd" index rdir; do
      [[ -n $rdir ]] || continue
      if [[ -f runs/$rdir/.tuplet/claim-$attempt ]]; then
        adopt "$rdir"
        continue
      fi
      next_index=$index next_dir=$rdir
      return 0
    done
    list_done=1
    return 1
  }

  # With a quota: sets FREEQ to a quota unit this runner holds with no worker on it, or fails.
  free_quota_unit() {
    local q
    for ((q = units; q < units + quota_units; q++)); do
      if [[ -z ${qbusy[q]:-} && ${pool_state[q]:-} == held ]]; then
        FREEQ=$q
        return 0
      fi
    done
    return 1
  }

  # Sets FREE to a unit this runner holds with no run on it, and FREEQ to the quota unit its
  # run gets (with a quota); fails when there is none now.
  free_unit() {
    local s
    for ((s = 0; s < units; s++)); do
      [[ -z ${wrun[s]:-} && ${pool_state[s]:-} == held ]] || continue
      FREE=$s FREEQ=${wq[s]:-}
      # An idle worker keeps its quota unit.
      [[ -n ${wpid[s]:-} ]] && return 0
      ((quota_units)) || return 0
      free_quota_unit && return 0
      # Host units are of no use without a quota unit: back to the pool for others.
      pool_drop "$s"
    done
    # Nothing of the series runs here because of the quota: the series says so.
    if ((quota_units && POOL_QHELD == 0)) && [[ ! -f $t/waiting ]]; then
      write_atomic "$t/waiting" "$quota_reason"
    fi
    return 1
  }

  # Starts the worker of unit $1 with quota unit $2 (or none).
  start_worker() {
    make_pipe
    worker "$1" "${2:-}" "$PIPE_R" "$PIPE_W" &
    wpid[$1]=$!
    proc_start "${wpid[$1]}" && wst[$1]=$REPLY || wst[$1]=gone
    exec {PIPE_R}<&-
    wpipe[$1]=$PIPE_W wq[$1]=${2:-}
    [[ -n ${2:-} ]] && qbusy[$2]=1
    POOL_CHILD_FDS+=("$PIPE_W")
  }

  # Ends the worker of unit $1 (it reads the end of its pipe and exits, giving up its units'
  # locks); the units stay this runner's until pool_drop.
  stop_worker() {
    local f=${wpipe[$1]:-} q=${wq[$1]:-} i
    [[ -n $f ]] && exec {f}>&-
    for i in "${!POOL_CHILD_FDS[@]}"; do
      [[ ${POOL_CHILD_FDS[i]} == "$f" ]] && unset 'POOL_CHILD_FDS[i]'
    done
    [[ -n $q ]] && qbusy[q]=
    unset 'wpid[$1]' 'wst[$1]' 'wpipe[$1]' 'wq[$1]' 'wrun[$1]'
  }

  # After the run on unit $1 ended: its worker goes on with the next tuple unless the units
  # go back to the pool (nothing left to start, or more than this runner's share).
  after_run() {
    local s=$1 q=${wq[$1]:-} host=0 quota=0
    wrun[s]=
    if ((list_done)); then
      host=2 quota=2
    else
      pool_over_share && host=1
      [[ -n $q ]] && pool_quota_over_share && quota=1
    fi
    ((host || quota)) || return 0
    stop_worker "$s"
    case $host in 2) pool_drop "$s" ;; 1) pool_yield "$s" ;; esac
    if [[ -n $q ]]; then
      case $quota in 2) pool_drop "$q" ;; 1) pool_yield "$q" ;; esac
    fi
  }

  # Hands tuples to the units that have no run, as long as there are both.
  dispatch() {
    local gpu
    while free_unit; do
      next_tuple || return 0
      [[ -f $t/waiting ]] && rm -f "$t/waiting"
      gpu=''
      ((gpus > 0)) && gpu=$FREE
      # Below the host's load thresholds, if any (the unit stays this runner's meanwhile).
      admission_wait "$gpu" "$t/waiting"
      if is_cancelled "$dir" "$attempt"; then
        list_done=1
        return 0
      fi
      [[ -n ${wpid[FREE]:-} ]] || start_worker "$FREE" "$FREEQ"
      if printf '%s\t%s\n' "$next_index" "$next_dir" >&"${wpipe[FREE]}"; then
        wrun[FREE]=$next_dir next_dir=''
      else
        # The worker died while it waited: the tuple goes to the next one.
        stop_worker "$FREE"
      fi
    done
  }

  # Workers that died with a run (killed, not stopped by us): the run is LOST.
  check_workers() {
    local s
    for s in "${!wpid[@]}"; do
      alive "${wpid[s]}" "${wst[s]}" && continue
      [[ -n ${wrun[s]:-} ]] && settle "${wrun[s]}" "${wpid[s]}"
      stop_worker "$s"
    done
  }

  # Waits for what a worker, a pool waiter or the ticker reports. (Not `read -t`: a timeout
  # that strikes within a line loses what was read of it, the line's end included.)
  wait_event() {
    local kind a b c
    read -r -u "$events" kind a b c || return 0
    case $kind in
      # A run ended (its exit file is written).
      D) [[ -n ${wrun[a]:-} ]] && after_run "$a" ;;
      # The worker did not start the run: another process has claimed it, or the series
      # was cancelled.
      N)
        if [[ -n ${wrun[a]:-} ]]; then
          [[ -f runs/${wrun[a]}/.tuplet/claim-$attempt ]] && adopt "${wrun[a]}"
          after_run "$a"
        fi
        ;;
      L) pool_got "$a" "$b" "$c" ;;
      # Every second: adopted runs, and processes that died without a word.
      T)
        check_workers
        ((${#pool_waiter[@]})) && pool_reap
        ((${#apid[@]})) && settle_adopted
        ;;
    esac
  }

  # A line `T` on the event pipe every second, from a child in the runner's process group; it
  # waits in `read -t` on a pipe nobody writes (no process per tick) and ends with the pipe's
  # reader.
  ticker() {
    local f idle
    for f in "${POOL_CHILD_FDS[@]}"; do exec {f}>&-; done
    exec {idle}<> <(:)
    while ! read -r -t 1 -u "$idle" _; do printf 'T\n' >&"$POOL_EVENTS" || exit 0; done
  }
  set +m
  ticker &
  ticker_pid=$!
  set -m

  while :; do
    ((list_done)) || dispatch
    if ((list_done && !left)); then
      # Nothing more to start: the units without a run go back to the pool at once, the
      # others as their runs end.
      left=1
      pool_leave
      for ((s = 0; s < units; s++)); do
        if [[ -z ${wrun[s]:-} ]]; then
          [[ -n ${wpid[s]:-} ]] && stop_worker "$s"
          pool_drop "$s"
        fi
      done
      for ((q = units; q < units + quota_units; q++)); do
        [[ -n ${qbusy[q]:-} ]] || pool_drop "$q"
      done
      [[ -f $t/waiting ]] && rm -f "$t/waiting"
    fi
    if ((left)); then
      f=0
      for s in "${!wrun[@]}"; do [[ -n ${wrun[s]} ]] && f=1; done
      ((f || ${#apid[@]})) || break
    elif ((POOL_HELD < units || (quota_units && POOL_QHELD < units))) && ! pool_await; then
      echo "$(date '+%F %T') runner of chunk $chunk: no unit of the pool can be locked; see above"
      exit 1
    fi
    wait_event
  done

  kill "$ticker_pid" 2>/dev/null
  if ! is_cancelled "$dir" "$attempt"; then
    write_atomic "$t/chunk-$chunk.done" "$attempt"
  fi
  # The workers' registrations (cancel ignores dead ones anyway).
  find "$t/active" -maxdepth 1 -name "c$chunk-*" -delete 2>/dev/null
  echo "$(date '+%F %T') runner of chunk $chunk attempt $attempt: done"
}

# The worker of unit $1 (quota unit $2, or none), a background job of the runner in its own
# process group; its tuples come over the pipe $3 (the runner's end of it is $4). It holds its
# units while it lives, so a run keeps them even when the runner is killed, and it ends when
# the runner closes the pipe or dies. The group is what cancel kills: the worker and its run.
worker() {
  local unit=$1 qunit=$2 from=$3 index rdir rd rt code st f
  local -a run_args=()
  set +m # each run stays in this worker's process group
  trap - PIPE
  pool_keep_only "$unit" "$qunit"
  for f in "$4" "${POOL_CHILD_FDS[@]}"; do exec {f}>&-; done
  proc_start "$BASHPID" || exit 1
  st=$REPLY
  # Where cancel finds the group; checked after this: either cancel sees the worker here, or
  # the worker sees its mark before each run.
  printf '%s\n' "$st" >"$t/active/c$chunk-$BASHPID"
  ((gpus > 0)) && export CUDA_VISIBLE_DEVICES=$unit
  export TUPLET_SERIES=$series
  while IFS=$'\t' read -r -u "$from" index rdir; do
    rd=$dir/runs/$rdir rt=runs/$rdir/.tuplet
    if is_cancelled "$dir" "$attempt"; then
      printf 'N %s\n' "$unit" >&"$POOL_EVENTS"
      exit 0
    fi
    # The claim, created exclusively (noclobber): exactly one process ever runs this tuple in
    # this attempt, whatever runners come and go.
    set -C
    if ! { printf '%s %s\n' "$BASHPID" "$st" >"$rt/claim-$attempt"; } 2>/dev/null; then
      set +C
      printf 'N %s\n' "$unit" >&"$POOL_EVENTS"
      continue
    fi
    set +C
    if [[ -e $rt/exit || -e $rt/ended || -e $rt/reason ]]; then rm -f "$rt/exit" "$rt/ended" "$rt/reason"; fi
    printf '%s\n' "$attempt" >"$rt/attempt"
    now >"$rt/started"
    (
      export TUPLET_INDEX=$index TUPLET_DIR=$rd TUPLET_CONFIG=$rd/$config
      # A declared input (sweep/render/): TUPLET_P_* variables, and for `args` the command's
      # extra arguments, as NUL-terminated elements, never code; only TUPLET_P_* names export.
      if [[ -f $rt/env ]]; then
        # shellcheck disable=SC2163 # kv is NAME=value: export it as one assignment
        while IFS= read -r -d '' kv; do [[ $kv =~ ^TUPLET_P_[A-Z0-9_]+= ]] && export "$kv"; done <"$rt/env"
      fi
      if [[ -f $rt/argv ]]; then
        while IFS= read -r -d '' kv; do run_args+=("$kv"); done <"$rt/argv"
      fi
      cd "$rd" || exit 1
      # Not the program: a process it leaves behind would hold the units, or the worker's
      # pipes, after the run ended.
      exec {POOL_KEPT_FD}>&- {POOL_KEPT_QFD}>&- {from}>&- {POOL_EVENTS}>&-
      exec bash -c "$RUN_COMMAND${run_args[0]+ \"\$@\"}" tuplet-run ${run_args[@]+"${run_args[@]}"}
    ) </dev/null >"$rt/stdout" 2>"$rt/stderr"
    code=$?
    now >"$rt/ended"
    # One small write, no rename (a rename costs a process per run): a scan that reads the
    # file empty in the instant after its creation reads it again next time, because the
    # run's directory changed within the scan's overlap (hosts/scan.ts).
    printf '%s\n' "$code" >"$rt/exit"
    printf 'D %s\n' "$unit" >&"$POOL_EVENTS"
  done
  exit 0
}

cmd_cancel() {
  local dir=$1 grace=${2:-5}
  local t=$dir/.tuplet f pid st att max=0 left i
  [[ -d $t ]] || return 0
  for f in "$t"/chunk-*.pid; do
    [[ -f $f ]] || continue
    read -r pid st att <"$f"
    ((att > max)) && max=$att
  done
  write_atomic "$t/cancelled" "$max"
  # Runners first (they have nothing to finish), so no new run starts.
  for f in "$t"/chunk-*.pid; do
    [[ -f $f ]] || continue
    read -r pid st att <"$f"
    alive "$pid" "$st" && kill -KILL -- "-$pid" 2>/dev/null
  done
  local -a groups=()
  for f in "$t"/active/*; do
    [[ -f $f ]] || continue
    pid=${f##*/}
    pid=${pid##*-}
    read -r st _ <"$f"
    if alive "$pid" "$st"; then
      kill -TERM -- "-$pid" 2>/dev/null
      groups+=("$pid $st")
    else
      rm -f "$f"
    fi
  done
  for ((i = 0; i < grace * 5; i++)); do
    left=0
    for f in "${groups[@]}"; do
      # shellcheck disable=SC2086
      alive $f && left=1
    done
    ((left)) || break
    sleep 0.2
  done
  for f in "${groups[@]}"; do
    read -r pid st <<<"$f"
    kill -KILL -- "-$pid" 2>/dev/null
  done
  for f in "$t"/active/*; do
    [[ -f $f ]] || continue
    pid=${f##*-}
    read -r st _ <"$f"
    alive "$pid" "$st" || rm -f "$f"
  done
  echo "cancelled ${#groups[@]}"
}

sub=${1:-}
shift || true
case $sub in
  start) cmd_start "$@" ;;
  main) cmd_main "$@" ;;
  cancel) cmd_cancel "$@" ;;
  *)
    echo "usage: tuplet-runner.sh start|cancel ARGS (see the header of this file)" >&2
    exit 2
    ;;
esac
