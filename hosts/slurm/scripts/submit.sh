#!/usr/bin/env bash
# Submits one chunk attempt of a series as a SLURM job array — at most once.
# Run by hosts/slurm/commands.ts as
#   bash -c "$(cat submit.sh)" tuplet-submit OVER_STATES SERIES_DIR KEY NAME COMMENT RANGES SIZE THROTTLE ATTEMPT [SCRIPT]
# (SCRIPT: the job script's text; without it, the script comes on stdin). Every argument is
# data, never code. OVER_STATES: the SLURM
# states of jobs that are over, from the state map in hosts/slurm/squeue.ts (any other state,
# an unknown one too, is alive: the job is reused, never submitted twice).
#
# Prints one line: `submitted JOB`, `reused JOB` (found: alive, or finished with every run
# started), `resubmitted JOB` (the earlier job is gone and some runs never started: just
# those again, same list and task ids) or `cancelled` (the series was cancelled).
# Exit 42: sbatch refused (its stderr follows). Exit 75: squeue failed (controller away).
#
# Files in SERIES_DIR/.tuplet/slurm/ (KEY = chunk-<k>.a<attempt>):
#   KEY.sbatch   the job script        KEY.tsv     index<TAB>dir, line i+1 = array task i
#   KEY.jobs     job ids, one a line    KEY.answer  sbatch's answer until it is in KEY.jobs
#   KEY.lock     one submit at a time   KEY.log     SLURM's own output of the tasks
#   cancelled    the highest attempt cancelled: attempts up to it never submit again
set -u
# A dropped SSH connection must not stop us between sbatch and the record of its answer.
trap '' HUP PIPE
over_states=$1 dir=$2 key=$3 name=$4 comment=$5 ranges=$6 size=$7 throttle=$8 attempt=$9 script=${10-}
s=.tuplet/slurm
# shellcheck source=hosts/slurm/scripts/lib/alive-records.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/alive-records.sh"
# shellcheck source=hosts/runner/lib/tuples-in-ranges.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../runner/lib/tuples-in-ranges.sh"
# Only our own jobs: another account's job named and commented like this chunk's is
# never adopted as ours.
me=$(id -un) || {
  echo "tuplet-submit: cannot tell which user this is" >&2
  exit 3
}
cd "$dir" 2>/dev/null || {
  echo "tuplet-submit: no series directory $dir" >&2
  exit 3
}
mkdir -p "$s" || exit 3
if [[ -z $script ]]; then
  script=$(
    cat
    echo x
  )
  script=${script%x}
fi

exec 9>"$s/$key.lock"
if command -v flock >/dev/null; then flock 9; fi

if [[ -f $s/cancelled ]]; then
  read -r cancelled <"$s/cancelled"
  if ((attempt <= ${cancelled:-0})); then
    echo cancelled
    exit 0
  fi
fi

jobs=$s/$key.jobs
record_job() { grep -qx "$1" "$jobs" 2>/dev/null || echo "$1" >>"$jobs"; }

# An answer that reached the disk but not the record.
if [[ -s $s/$key.answer ]]; then
  answer=$(tail -n 1 "$s/$key.answer")
  answer=${answer%%;*}
  [[ $answer =~ ^[0-9]+$ ]] && record_job "$answer"
  rm -f "$s/$key.answer"
fi

queue=$(squeue -h -t all --user="$me" --name="$name" -o '%F|%T|%k' 2>&1) || {
  echo "tuplet-submit: squeue failed: $queue" >&2
  exit 75
}

job=
[[ -s $jobs ]] && job=$(tail -n 1 "$jobs")
if [[ -z $job ]]; then
  # An answer lost before it reached any file: the job carries the chunk's comment.
  job=$(awk -F'|' -v c="$comment" '$3 == c && $1 + 0 > m { m = $1 + 0 } END { if (m) print m }' <<<"$queue")
  [[ -n $job ]] && record_job "$job"
fi

if [[ -n $job ]]; then
  alive=$(alive_records "$over_states" <<<"$queue" | awk -F'|' -v j="$job" '$1 == j { found = 1 } END { if (found) print 1 }')
  if [[ -n $alive || ! -f $s/$key.tsv ]]; then
    echo "reused $job"
    exit 0
  fi
  # The job is over. Runs that never started in this attempt go again, nothing else.
  array=$(awk -F'\t' -v a="$attempt" '
    { f = "runs/" $2 "/.tuplet/attempt"; v = ""; if ((getline v < f) <= 0) v = ""; close(f)
      if (v != a) { t = NR - 1; if (n && t == hi + 1) hi = t; else { if (n) out = out sep(lo, hi); lo = hi = t; n++ } } }
    function sep(l, h) { return (out == "" ? "" : ",") (l == h ? l : l "-" h) }
    END { if (n) print out sep(lo, hi) }' "$s/$key.tsv")
  if [[ -z $array ]]; then
    echo "reused $job"
    exit 0
  fi
  verb=resubmitted
else
  printf '%s' "$script" >"$s/$key.sbatch.tmp" && mv -f "$s/$key.sbatch.tmp" "$s/$key.sbatch" || exit 3
  tuples_in_ranges "$ranges" <tuples.tsv >"$s/$key.tsv.tmp" || exit 3
  lines=$(wc -l <"$s/$key.tsv.tmp")
  if ((lines != size)); then
    echo "tuplet-submit: tuples.tsv holds $lines of the chunk's $size runs" >&2
    exit 3
  fi
  mv -f "$s/$key.tsv.tmp" "$s/$key.tsv" || exit 3
  # Every run's .tuplet/ at once (one process), so no task needs a mkdir of its own.
  awk -F '\t' '{ print "runs/" $2 "/.tuplet" }' "$s/$key.tsv" | xargs -r -d '\n' mkdir -p -- || exit 3
  array=0-$((size - 1))
  verb=submitted
fi

[[ -n $throttle ]] && array=$array%$throttle
sbatch --parsable --array="$array" "$s/$key.sbatch" >"$s/$key.answer" 2>"$s/$key.err"
rc=$?
if ((rc != 0)); then
  cat "$s/$key.err" >&2
  rm -f "$s/$key.answer"
  exit 42
fi
job=$(tail -n 1 "$s/$key.answer")
job=${job%%;*}
if ! [[ $job =~ ^[0-9]+$ ]]; then
  echo "tuplet-submit: sbatch answered $(cat "$s/$key.answer")" >&2
  exit 3
fi
record_job "$job"
rm -f "$s/$key.answer"
echo "$verb $job"
