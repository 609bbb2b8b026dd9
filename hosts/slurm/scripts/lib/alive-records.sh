# shellcheck shell=bash
# alive_records OVER_STATES <squeue-output: the lines `JOB|STATE|…` of jobs still alive, i.e.
# every line whose STATE is not in OVER_STATES (comma-separated). OVER_STATES comes from the
# state map of hosts/slurm/squeue.ts (the one map): a state it does not know counts as alive
# here as there — waiting is safe, a false failure or a second job is not.
alive_records() {
  awk -F '|' -v over="$1" 'BEGIN { n = split(over, s, ","); for (i = 1; i <= n; i++) isOver[s[i]] = 1 } !($2 in isOver)'
}
