#!/usr/bin/env bash
# Tuplet's poll scan of one series directory (see hosts/scan.ts, which runs it as
# `bash -c "$(cat this)" tuplet-scan SERIES_DIR SINCE LIMIT [LISTS]`). Read-only.
# LISTS, when given, is a comma-separated list of the polled chunks' run lists, relative to
# SERIES_DIR (.tuplet/chunk-K.list of a runner, .tuplet/slurm/chunk-K.aA.tsv of a SLURM
# chunk; lines INDEX<TAB>NAME): only those runs are looked at, so a poll costs what the
# chunks in flight hold, not every run the series made so far. Without it, every run is.
# Output, one record per line, tab-separated:
#   N <host epoch seconds at start>
#   J <chunk> <pid> <starttime> <attempt> <alive 0|1> <done attempt>   per chunk runner
#   R <dir> <attempt> <started> <ended> <exit> <reason> <mtime>   per changed run, oldest first
#   T <mtime>                                                     when cut at LIMIT runs
#   W <reason>                        a runner waits for the host's load (lib/admission.sh)
#   E                                                             no such series directory
# Needs GNU find (-newermt, -printf); a run's files are named as in tuplet-runner.sh.
dir=$1 since=$2 limit=$3 lists=${4-}
# A run directory's name as Tuplet gives it: its index, then the characters of sweep/naming.ts.
run_name='[0-9][A-Za-z0-9._=+,@-]*'
# shellcheck source=hosts/runner/lib/proc-start.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/proc-start.sh"
printf 'N\t%(%s)T\n' -1
cd "$dir" 2>/dev/null || { printf 'E\n'; exit 0; }
# Runners first: a runner seen gone has written every exit file it ever will before the
# runs are scanned below.
# Runs may write anything into the series directory: a garbled runner file names no runner
# (its chunk's runner then counts as gone), and no field carries a tab or a line break.
for f in .tuplet/chunk-*.pid; do
  [ -f "$f" ] || continue
  k=${f#.tuplet/chunk-}
  k=${k%.pid}
  [[ $k =~ ^[0-9]+$ ]] || continue
  pid='' st='' att=''
  read -r pid st att <"$f"
  [[ $pid =~ ^[0-9]+$ && $att =~ ^[0-9]+$ && $st =~ ^[A-Za-z0-9:._-]+$ && ${#st} -le 64 ]] || continue
  alive=0
  if proc_start "$pid" && [ "$REPLY" = "$st" ]; then alive=1; fi
  done_attempt=
  [ -f ".tuplet/chunk-$k.done" ] && read -r done_attempt <".tuplet/chunk-$k.done"
  [[ $done_attempt =~ ^[0-9]+$ ]] || done_attempt=
  printf 'J\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$pid" "$st" "$att" "$alive" "$done_attempt"
done
# The runner's own sentence, but a run could replace the file: a regular file only, first
# line, at most 300 bytes, control characters as "?".
if [ -f .tuplet/waiting ] && [ ! -L .tuplet/waiting ]; then
  w=''
  read -r -n 300 w <.tuplet/waiting
  printf 'W\t%s\n' "${w//[[:cntrl:]]/?}"
fi
# The run directories to look at: runs/NAME/.tuplet for each NAME of the lists asked about
# (each a regular file of a name Tuplet gives, its names of the characters of sweep/naming.ts,
# so no start point reaches outside runs/ or reads as an option), one per line.
listed_runs() {
  local f
  local -a files=()
  IFS=, read -r -a files <<<"$lists"
  for f in "${files[@]}"; do
    [[ $f =~ ^\.tuplet/(chunk-[0-9]+\.list|slurm/chunk-[0-9]+\.a[0-9]+\.tsv)$ && -f $f && ! -L $f ]] || continue
    LC_ALL=C awk -F '\t' -v name="^$run_name\$" '$2 ~ name { print "runs/" $2 "/.tuplet" }' "$f"
  done
}
if [ -d runs ]; then
  if [ -n "$since" ]; then newer=(-newermt "@$since"); else newer=(); fi
  # A run's .tuplet/ directory changes time whenever a file appears in it (started, the
  # exit file's rename): its time alone says which runs changed, without opening the rest.
  # find prints `TIME DIR` for each changed runs/NAME/.tuplet and descends into those only
  # (everything else at that depth is pruned), where it prints `X FILE` for each record file
  # that is not a regular file: a FIFO would block the read below until a writer comes, and a
  # link may lead anywhere (/dev/zero never ends its first line). Those files are never
  # opened; sort puts their lines (key X = 0) first. What find sees costs no open per file:
  # the type comes with the directory listing. (A run that swaps a file for a FIFO between
  # find's listing and awk's read still blocks this scan: that window is one scan long.)
  # With lists, find starts at each listed run's .tuplet (a stat each; a missing one is
  # skipped); without, it walks runs/ and opens every run's directory to find its .tuplet.
  records=('(' -name started -o -name exit -o -name attempt -o -name ended -o -name reason ')')
  if [ -n "$lists" ]; then
    expr=(-maxdepth 1 '(' -path '*/.tuplet/*' "${records[@]}" ! -type f -printf 'X %p\n' ')' -o -path '*/.tuplet/*'
      -o '(' -type d ${newer[@]+"${newer[@]}"} -printf '%T@ %p\n' ')' -o -prune)
    # xargs puts the start points last; find wants them first: N, the expression, then them.
    # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
    listed_runs | xargs -r -d '\n' bash -c 'n=$1; shift; find "${@:n+1}" "${@:1:n}"' tuplet-scan-find \
      "${#expr[@]}" "${expr[@]}" 2>/dev/null
  else
    find runs -mindepth 2 -maxdepth 3 \
      \( -path 'runs/*/*/*' "${records[@]}" ! -type f -printf 'X %p\n' \) -o -path 'runs/*/*/*' -o \
      \( -name .tuplet -type d ${newer[@]+"${newer[@]}"} -printf '%T@ %p\n' \) -o -prune 2>/dev/null
  fi |
    sort -n -k1,1 |
    LC_ALL=C awk -v limit="$limit" -v tuplet_dir="^runs/$run_name/[.]tuplet\$" '
      # What a run wrote, fit for one field: the first line, at most 200 bytes, its tabs and
      # other control characters as "?" (hosts/scan.ts checks the values).
      function clean(s) { if (length(s) > 200) s = substr(s, 1, 200); gsub(/[[:cntrl:]]/, "?", s); return s }
      # A record file that is not a regular file reads as a value no field accepts, so the
      # run fails with the file named (hosts/scan.ts) instead of the scan waiting on it.
      function rd(f,   line) {
        if (f in irregular) return "(not a regular file)"
        line = ""; if ((getline line < f) <= 0) line = ""; close(f); return clean(line)
      }
      $1 == "X" { irregular[substr($0, 3)] = 1; next }
      {
        t = $1; d = substr($0, length($1) + 2)
        # Only a file time and runs/NAME/.tuplet with a name Tuplet gives (index first, then the
        # characters of sweep/naming.ts) make a record: a run may create directories of any
        # name, and a line break in one cuts it into lines of their own.
        if (t !~ /^[0-9]+(\.[0-9]+)?$/ || d !~ tuplet_dir) next
        if (d in seen) next
        if (n >= limit && t != last) { cut = 1; exit }
        s = rd(d "/started"); x = rd(d "/exit")
        if (s == "" && x == "") next
        seen[d] = 1; n++; last = t
        name = d; sub(/^runs\//, "", name); sub(/\/\.tuplet$/, "", name)
        printf "R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, rd(d "/attempt"), s, rd(d "/ended"), x, rd(d "/reason"), t
      }
      END { if (cut) printf "T\t%s\n", last }'
fi
