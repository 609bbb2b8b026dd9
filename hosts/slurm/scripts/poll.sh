#!/usr/bin/env bash
# One poll of a SLURM host: one squeue for the jobs of every series polled, then for each
# series the runs the scheduler ended without an exit file (with its reason) and the
# exit-file scan — all in one exec, however many chunks and series ask at once.
# Run by hosts/slurm/commands.ts as
#   bash -c "$(cat poll.sh)" tuplet-poll FAILED_STATES SCAN_SCRIPT LIMIT JOBCOMP  DIR NAME SINCE KEYS  [DIR NAME SINCE KEYS]...
# (KEYS = the comma-separated chunk-<k>.a<attempt> of the chunks polled in that series;
# JOBCOMP = the jobcomp file or ''; FAILED_STATES = the SLURM states whose tasks ended
# without success, from the state map in hosts/slurm/squeue.ts: only those are reported
# below, so a state the map does not know counts as alive, as it does there).
# Output:
#   @@squeue RC          squeue -h -t all --user=ME --name=NAME,NAME… -o SQUEUE_FORMAT (or its error)
#   then, for each series in the order given:
#   @@series DIR
#   @@jobs               KEY<TAB>JOB for every job of the polled chunks
#   @@ended              KEY<TAB>JOB<TAB>TASK<TAB>INDEX<TAB>STATE<TAB>END<TAB>EXIT for each run whose
#                        task ended in one of FAILED_STATES and whose exit file of the
#                        chunk's attempt is missing (EXIT empty) or tells of a signal (≥ 128:
#                        the scheduler's state says which); from squeue, else from jobcomp
#   @@scan               the output of hosts/runner/tuplet-scan.sh
# Read-only.
set -u
failed_states=$1 scan=$2 limit=$3 jobcomp=$4
shift 4
s=.tuplet/slurm
# Only our own jobs: another account's job named like a series never counts as one of it.
me=$(id -un) || {
  echo "tuplet-poll: cannot tell which user this is" >&2
  exit 3
}

names=()
for ((i = 2; i <= $#; i += 4)); do names+=("${!i}"); done
queue=$(
  IFS=,
  squeue -h -t all --user="$me" --name="${names[*]}" -o '%F|%K|%T|%S|%e|%j|%k|%r' 2>&1
)
rc=$?
printf '@@squeue %s\n' "$rc"
[[ -n $queue ]] && printf '%s\n' "$queue"

# The sections of one series, in a subshell of its own directory.
poll_series() {
  local dir=$1 since=$2 keys=$3 key job jobs="" records="" patterns=() lists=""
  local -a list=()
  IFS=, read -r -a list <<<"$keys"
  # The scan reads only the polled chunks' runs: their task lists (written by submit.sh).
  for key in "${list[@]}"; do lists+="${lists:+,}$s/$key.tsv"; done
  printf '@@series %s\n' "$dir"
  if ! cd "$dir" 2>/dev/null; then
    printf '@@jobs\n@@ended\n@@scan\n'
    bash -c "$scan" tuplet-scan "$dir" "$since" "$limit" "$lists"
    return
  fi
  printf '@@jobs\n'
  for key in "${list[@]}"; do
    [[ -f $s/$key.jobs ]] || continue
    while read -r job; do
      [[ $job =~ ^[0-9]+$ ]] || continue
      printf '%s\t%s\n' "$key" "$job"
      jobs+="$key"$'\t'"$job"$'\n'
    done <"$s/$key.jobs"
  done

  # Jobs squeue no longer shows (older than MinJobAge): the jobcomp record may know them.
  ((rc == 0)) && records=$queue
  if ((rc == 0)) && [[ -n $jobcomp && -r $jobcomp && -n $jobs ]]; then
    while IFS=$'\t' read -r key job; do
      [[ -n $job ]] || continue
      awk -F'|' -v j="$job" '$1 == j { found = 1; exit } END { exit !found }' <<<"$queue" ||
        patterns+=(-e "JobId=$job ")
    done <<<"$jobs"
    if ((${#patterns[@]} > 0)); then
      records+=$'\n'$(grep -F "${patterns[@]}" "$jobcomp" 2>/dev/null)
    fi
  fi

  printf '@@ended\n'
  printf '%s\n' "$records" | awk -v jobs="$jobs" -v failed="$failed_states" '
    BEGIN {
      n = split(jobs, lines, "\n")
      for (i = 1; i <= n; i++) if (split(lines[i], kj, "\t") == 2) keyOf[kj[2]] = kj[1]
      m = split(failed, names, ","); for (i = 1; i <= m; i++) isFailed[names[i]] = 1
    }
    function field(name,   m) {
      if (match($0, "(^| )" name "=[^ ]*")) { m = substr($0, RSTART, RLENGTH); sub(/^ /, "", m); return substr(m, length(name) + 2) }
      return ""
    }
    function load(key,   f, line, c) {
      if (key in loaded) return
      loaded[key] = 1; f = ".tuplet/slurm/" key ".tsv"; c = 0
      while ((getline line < f) > 0) { listed[key, c] = line; c++ }
      close(f); count[key] = c
    }
    function attemptOf(key) { return substr(key, index(key, ".a") + 2) }
    function readFirst(f,   v) { v = ""; if ((getline v < f) <= 0) v = ""; close(f); return v }
    # Reports task t of the key unless its run has a plain exit file (< 128) of this attempt.
    # strict: only runs that never started in this attempt (a whole-array record).
    function report(key, job, t, state, end, strict,   line, idx, d, meta, att, code) {
      if (!((key, t) in listed)) return
      line = listed[key, t]; idx = substr(line, 1, index(line, "\t") - 1); d = substr(line, index(line, "\t") + 1)
      meta = "runs/" d "/.tuplet/"
      att = readFirst(meta "attempt"); code = ""
      if (att == attemptOf(key)) {
        if (strict) return
        code = readFirst(meta "exit")
        if (code != "" && code + 0 < 128) return
      }
      if (seen[key, t]++) return
      # The exit file is written by the run: only a short number passes, never a tab or a 10 MB line.
      if (code !~ /^-?[0-9]+$/ || length(code) > 4) code = ""
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", key, job, t, idx, state, end, code
    }
    /^[0-9]+\|/ {
      split($0, f, "|"); job = f[1]; spec = f[2]; state = f[3]; end = f[5]
      if (!(job in keyOf) || !(state in isFailed)) next
      key = keyOf[job]; load(key)
      if (spec == "N/A") { for (t = 0; t < count[key]; t++) report(key, job, t, state, end, 1); next }
      gsub(/[\[\]]/, "", spec); sub(/%[0-9]+$/, "", spec)
      np = split(spec, parts, ",")
      for (p = 1; p <= np; p++) {
        step = 1; if (split(parts[p], st, ":") == 2) { parts[p] = st[1]; step = st[2] + 0 }
        if (split(parts[p], ab, "-") == 2) { lo = ab[1] + 0; hi = ab[2] + 0 } else { lo = hi = parts[p] + 0 }
        for (t = lo; t <= hi; t += step) report(key, job, t, state, end, 0)
      }
      next
    }
    /^JobId=/ {
      state = field("JobState"); end = field("EndTime"); aj = field("ArrayJobId"); at = field("ArrayTaskId")
      job = aj != "" ? aj : field("JobId")
      if (!(job in keyOf) || !(state in isFailed)) next
      key = keyOf[job]; load(key)
      if (at == "") { for (t = 0; t < count[key]; t++) report(key, job, t, state, end, 1) }
      else report(key, job, at + 0, state, end, 0)
    }'

  printf '@@scan\n'
  bash -c "$scan" tuplet-scan "$dir" "$since" "$limit" "$lists"
}

while (($# >= 4)); do
  (poll_series "$1" "$3" "$4")
  shift 4
done
