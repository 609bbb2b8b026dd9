#!/usr/bin/env bash
# Cancels every job of a series on a SLURM host and makes sure none is submitted after.
# Run by hosts/slurm/commands.ts as
#   bash -c "$(cat cancel.sh)" tuplet-cancel OVER_STATES SERIES_DIR NAME WAIT_SECONDS [JOB...]
# (OVER_STATES: the SLURM states of jobs that are over, from hosts/slurm/squeue.ts; a job in
# any other state, an unknown one too, is waited for.)
# Marks the series cancelled (.tuplet/slurm/cancelled = highest attempt submitted, ≥ 1),
# waits for submits in flight (their locks), scancels this user's jobs by name and by the
# given ids, then waits up to WAIT_SECONDS until squeue shows none of them pending or running.
# Prints `cancelled N` (jobs still listed when it gave up waiting: 0 is success).
set -u
trap '' HUP PIPE
over_states=$1 dir=$2 name=$3 wait_seconds=$4
shift 4
s=.tuplet/slurm
# shellcheck source=hosts/slurm/scripts/lib/alive-records.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/alive-records.sh"
# Only our own jobs: another account's job named like the series is neither cancelled nor
# waited for.
me=$(id -un) || {
  echo "tuplet-cancel: cannot tell which user this is" >&2
  exit 3
}

if cd "$dir" 2>/dev/null && [[ -d $s ]]; then
  max=1
  for f in "$s"/chunk-*.a*.*; do
    [[ -e $f ]] || continue
    a=${f##*.a}
    a=${a%%.*}
    [[ $a =~ ^[0-9]+$ ]] && ((a > max)) && max=$a
  done
  printf '%s\n' "$max" >"$s/cancelled.tmp" && mv -f "$s/cancelled.tmp" "$s/cancelled"
  # A submit holding its lock may be inside sbatch: let it finish, so scancel sees its job.
  if command -v flock >/dev/null; then
    for lock in "$s"/*.lock; do
      [[ -e $lock ]] && flock -w 30 "$lock" true
    done
  fi
fi

scancel --user="$me" --name="$name" || {
  echo "tuplet-cancel: scancel failed" >&2
  exit 75
}
(($# > 0)) && scancel --user="$me" "$@" 2>/dev/null

for ((i = 0; i <= wait_seconds * 5; i++)); do
  listed=$(squeue -h --user="$me" --name="$name" -t all -o '%F|%T') || {
    echo "tuplet-cancel: squeue failed" >&2
    exit 75
  }
  listed=$(alive_records "$over_states" <<<"$listed")
  [[ -z $listed ]] && break
  sleep 0.2
done
echo "cancelled $(printf '%s' "$listed" | grep -c .)"
