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
#   active/cK-PID      `STARTTIME INDEX` of each run started by chunk K's runner; PID is
#                      the run's process group (what cancel kills)
#   cancelled          the highest attempt cancelled: runs of attempts <= it never start
#   runs/DIR/.tuplet/  per run: claim-N (`PID STARTTIME`, created exclusively once per attempt),
#                      attempt, started, stdout, stderr, ended, exit (written last),
#                      reason (LOST when the run's wrapper vanished)
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
# `wait -n -p VAR` (bash >= 5.1) names the child that ended; older bash checks every slot.
WAIT_P=0
((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))) && WAIT_P=1

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

# Marks a run whose wrapper vanished before writing its exit file.
mark_lost() {
  local rt=$1
  [[ -f $rt/exit ]] && return 0
  printf 'LOST\n' >"$rt/reason"
  now >"$rt/ended"
  write_atomic "$rt/exit" -1
}

cmd_main() {
  local dir=$1 series=$2 config=$3 chunk=$4 attempt=$5 slots=$6 gpus=$7 ranges=$8
  local share=${9:-} quota=${10:-} quota_reason=${11:-} quota_key='' quota_units=0
  local t=$dir/.tuplet list index rdir rt s q claim rpid rst waited gpu units list_done=0
  # Per unit of the pool: this runner's run on it. Adopted runs (started by an earlier runner
  # of this attempt) hold their own units; they are only watched.
  local -a spid=() sst=() sdir=() sq=() qbusy=() apid=() ast=() adir=()
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

  # Job control: each run is a background job in its own process group (what cancel kills),
  # started by forking this shell — no new program per run but the application itself.
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

  # Marks run $1 (directory name) LOST when its wrapper, PID $2, died before writing the exit file.
  settle() {
    local rt=runs/$1/.tuplet cpid=''
    if [[ ! -f $rt/exit ]]; then
      [[ -s $rt/claim-$attempt ]] && read -r cpid _ <"$rt/claim-$attempt"
      [[ -z $cpid || $cpid == "$2" ]] && mark_lost "$rt"
    fi
  }

  # Frees unit $1 after its run ended; gives it back to the pool when this runner has nothing
  # more to start or holds more than its share.
  release() {
    settle "${sdir[$1]}" "${spid[$1]}"
    spid[$1]=
    if ((list_done)); then
      pool_drop "$1"
    elif pool_over_share; then
      pool_yield "$1"
    fi
    if ((quota_units)); then
      local q=${sq[$1]}
      qbusy[q]=
      if ((list_done)); then
        pool_drop "$q"
      elif pool_quota_over_share; then
        pool_yield "$q"
      fi
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

  # With a quota: sets FREEQ to a quota unit this runner holds with no run on it, or fails.
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

  # Sets FREE to a unit this runner holds with no run on it (and FREEQ to a quota unit, with a
  # quota), waiting for one: for a run of its own to end or for one of its waiters to get a unit.
  next_slot() {
    local s done_pid status
    while :; do
      ((${#apid[@]})) && settle_adopted
      FREEQ=
      if ((quota_units)) && ! free_quota_unit; then
        # Host units are of no use without a quota unit: back to the pool for others.
        for ((s = 0; s < units; s++)); do
          [[ -z ${spid[s]:-} && ${pool_state[s]:-} == held ]] && pool_drop "$s"
        done
        # Nothing of the series runs here because of the quota: the series says so.
        ((POOL_QHELD == 0)) && [[ ! -f $t/waiting ]] && write_atomic "$t/waiting" "$quota_reason"
      else
        for ((s = 0; s < units; s++)); do
          if [[ -z ${spid[s]:-} && ${pool_state[s]:-} == held ]]; then
            FREE=$s
            [[ -f $t/waiting ]] && rm -f "$t/waiting"
            return 0
          fi
        done
      fi
      if ((POOL_HELD < units || (quota_units && POOL_QHELD < units))) && ! pool_await; then
        echo "$(date '+%F %T') runner of chunk $chunk: no unit of the pool can be locked; see above"
        exit 1
      fi
      done_pid=
      if ((WAIT_P)); then
        wait -n -p done_pid 2>/dev/null
      else
        wait -n 2>/dev/null
      fi
      status=$?
      if ((${#pool_waiter[@]})); then
        [[ -n $done_pid ]] && pool_ended "$done_pid" "$status"
        pool_reap
      fi
      # `wait -n -p` names each child that ended, once; without a name (an older bash, or
      # none left to name) every run is looked at.
      for ((s = 0; s < units; s++)); do
        [[ -n ${spid[s]:-} ]] || continue
        if [[ ${spid[s]} == "$done_pid" ]] || { [[ -z $done_pid ]] && ! alive "${spid[s]}" "${sst[s]}"; }; then
          release "$s"
        fi
      done
    done
  }

  while IFS=$'\t' read -r index rdir; do
    [[ -n $rdir ]] || continue
    is_cancelled "$dir" "$attempt" && break
    rt=runs/$rdir/.tuplet
    claim=$rt/claim-$attempt
    if [[ -f $claim ]]; then
      # Started before (by an earlier runner of this attempt): never start it again.
      [[ -f $rt/exit ]] && continue
      waited=0
      while [[ ! -s $claim ]] && ((waited < 20)); do
        sleep 0.1
        waited=$((waited + 1))
      done
      rpid='' rst=''
      [[ -s $claim ]] && read -r rpid rst <"$claim"
      if alive "$rpid" "$rst"; then
        apid+=("$rpid") ast+=("$rst") adir+=("$rdir")
      else
        mark_lost "$rt"
      fi
      continue
    fi
    next_slot
    s=$FREE
    gpu=''
    ((gpus > 0)) && gpu=$s
    # Below the host's load thresholds, if any (the unit stays this runner's meanwhile).
    admission_wait "$gpu" "$t/waiting"
    is_cancelled "$dir" "$attempt" && break
    RUN_UNIT=$s RUN_QUOTA_UNIT=$FREEQ
    if [[ -n $FREEQ ]]; then
      sq[s]=$FREEQ
      qbusy[FREEQ]=1
    fi
    run_one "$dir" "$series" "$config" "$index" "$rdir" "$attempt" "$gpu" "$chunk" </dev/null >/dev/null 2>&1 &
    spid[s]=$!
    proc_start "${spid[s]}" && sst[s]=$REPLY || sst[s]=gone
    sdir[s]=$rdir
  done <"$list"

  # Nothing more to start: the units without a run go back to the pool at once, the others
  # as their runs end.
  list_done=1
  pool_leave
  for ((s = 0; s < units; s++)); do
    [[ -n ${spid[s]:-} ]] || pool_drop "$s"
  done
  for ((q = units; q < units + quota_units; q++)); do
    [[ -n ${qbusy[q]:-} ]] || pool_drop "$q"
  done
  [[ -f $t/waiting ]] && rm -f "$t/waiting"
  for ((s = 0; s < units; s++)); do
    [[ -n ${spid[s]:-} ]] || continue
    wait "${spid[s]}" 2>/dev/null
    release "$s"
  done
  while ((${#apid[@]})); do
    settle_adopted
    ((${#apid[@]})) && sleep 0.2
  done
  if ! is_cancelled "$dir" "$attempt"; then
    write_atomic "$t/chunk-$chunk.done" "$attempt"
  fi
  # The runs' registrations (cancel ignores dead ones anyway).
  find "$t/active" -maxdepth 1 -name "c$chunk-*" -delete 2>/dev/null
  echo "$(date '+%F %T') runner of chunk $chunk attempt $attempt: done"
}

# One run, in a background job of the runner (a forked subshell, its own process group).
run_one() {
  local dir=$1 series=$2 config=$3 index=$4 rdir=$5 attempt=$6 gpu=$7 chunk=$8
  local rd=$dir/runs/$rdir
  local rt=$rd/.tuplet code st kv
  local -a run_args=()
  set +m # the application stays in this run's process group
  # This wrapper holds its unit of the pool until it exits (whether or not the runner lives);
  # the other units' descriptors are the runner's.
  pool_keep_only "$RUN_UNIT" "$RUN_QUOTA_UNIT"
  [[ -d $rt ]] || mkdir -p "$rt" || exit 1
  proc_start "$BASHPID" || exit 1
  st=$REPLY
  # The claim, created exclusively (noclobber): exactly one process ever runs this tuple in
  # this attempt, whatever runners come and go.
  set -C
  { printf '%s %s\n' "$BASHPID" "$st" >"$rt/claim-$attempt"; } 2>/dev/null || exit 0
  set +C
  printf '%s %s\n' "$st" "$index" >"$dir/.tuplet/active/c$chunk-$BASHPID"
  # Checked after registering in active/: either cancel sees us there, or we see its mark.
  is_cancelled "$dir" "$attempt" && exit 0
  if [[ -e $rt/exit || -e $rt/ended || -e $rt/reason ]]; then rm -f "$rt/exit" "$rt/ended" "$rt/reason"; fi
  printf '%s\n' "$attempt" >"$rt/attempt"
  now >"$rt/started"

  export TUPLET_SERIES=$series TUPLET_INDEX=$index TUPLET_DIR=$rd TUPLET_CONFIG=$rd/$config
  [[ -n $gpu ]] && export CUDA_VISIBLE_DEVICES=$gpu
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
  # Not the program: a process it leaves behind would hold the unit after the run ended.
  bash -c "$RUN_COMMAND${run_args[0]+ \"\$@\"}" tuplet-run ${run_args[@]+"${run_args[@]}"} </dev/null >"$rt/stdout" 2>"$rt/stderr" {POOL_KEPT_FD}>&- {POOL_KEPT_QFD}>&-
  code=$?
  now >"$rt/ended"
  # One small write, no rename (a rename costs a process per run, which was most of the
  # runner's overhead): a scan that reads the file empty in the instant after its creation
  # reads it again next time, because the run's directory changed within the scan's
  # overlap (hosts/scan.ts).
  printf '%s\n' "$code" >"$rt/exit"
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
