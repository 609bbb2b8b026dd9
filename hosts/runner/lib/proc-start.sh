# shellcheck shell=bash
# proc_start PID: sets REPLY to the start time of process PID (clock ticks since boot on
# Linux, else ps's start time); fails when the process does not exist or is a zombie. With the
# PID it names one process for good (a reused PID has another start time).
proc_start() {
  local stat rest
  if [[ -r /proc/self/stat ]]; then
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    rest=${stat##*) }
    # shellcheck disable=SC2086 # split on purpose: the fields of /proc/PID/stat after the name
    set -- $rest
    [[ $1 != Z ]] || return 1
    REPLY=${20}
  else
    REPLY=$(ps -o lstart= -p "$1" 2>/dev/null) || return 1
    REPLY=${REPLY// /_}
    [[ -n $REPLY ]] || return 1
  fi
}
