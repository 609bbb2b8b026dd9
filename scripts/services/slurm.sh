#!/usr/bin/env bash
# A real one-node SLURM cluster (munge, slurmctld, slurmd, two fake GPUs) on 127.0.0.1,
# everything under one state directory, for tests, benchmarks and CI.
# Facts behind every choice: ../../../shared/notes/slurm-on-loopback.md (measured here).
#
#   slurm.sh start   STATE_DIR [--lease ID]   installs packages when missing, starts the
#                                             cluster unless it already runs, prints
#                                             SLURM_CONF=… ; a lease (a live pid) keeps
#                                             the cluster up until its holder releases it
#   slurm.sh stop    STATE_DIR [--lease ID]   with a lease: releases it and stops only when
#                                             no live lease remains; without: stops now
#   slurm.sh status  STATE_DIR                exit 0 when the cluster answers
#   slurm.sh restart-controller STATE_DIR     kills slurmctld and starts it again on the
#                                             saved state (jobs survive)
#   slurm.sh stop-controller STATE_DIR        kills slurmctld only (an outage); `start`
#                                             or `restart-controller` brings it back
#
# Environment (read when a cluster starts fresh):
#   TUPLET_SLURM_MAX_ARRAY_SIZE  MaxArraySize (default 100001)
#   TUPLET_SLURMCTLD_PORT / TUPLET_SLURMD_PORT   (default 6817 / 6818)
#   TUPLET_SLURM_EXTRA_CONF      lines appended to slurm.conf (recording odd states)
#   TUPLET_SLURM_CGROUP_CONF     content of cgroup.conf (with TaskPlugin=task/cgroup)
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status|restart-controller|stop-controller STATE_DIR [--lease ID]" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
action=$1
state_dir=$(realpath -m "$2")
shift 2
lease=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --lease)
      lease=${2:?--lease needs an id}
      shift 2
      ;;
    *) usage ;;
  esac
done

conf="$state_dir/conf/slurm.conf"
export SLURM_CONF="$conf"

log() { echo "slurm.sh: $*" >&2; }

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null || missing+=(slurmctld)
  command -v slurmd >/dev/null || missing+=(slurmd)
  command -v sbatch >/dev/null || missing+=(slurm-client)
  command -v munged >/dev/null || missing+=(munge)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || {
    log "missing ${missing[*]} and not root: install them first"
    exit 1
  }
  log "installing ${missing[*]}"
  # apt's temporary files go to /var/tmp: a /tmp cleaner here once removed them mid-install.
  flock /tmp/tuplet-apt.lock sh -c '
    export TMPDIR=/var/tmp DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >/dev/null ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >/dev/null; }
  ' sh slurmctld slurmd slurm-client munge
}

# A process counts as gone when it no longer exists or is a zombie.
alive() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  local st
  st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $st != Z ]]
}

pid_of() { cat "$state_dir/pids/$1" 2>/dev/null || true; }

stop_daemon() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      log "$name ($pid) ignored TERM for 10 s: KILL"
      kill -KILL "$pid" 2>/dev/null || true
      while alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$state_dir/pids/$name"
}

# Daemons fork; their pid file appears a moment later. We keep our own copy because the
# daemon's pid file vanishes before the process has exited.
record_pid() {
  local name=$1 pidfile=$2
  for _ in $(seq 1 100); do
    if [[ -s $pidfile ]]; then
      cp "$pidfile" "$state_dir/pids/$name"
      return 0
    fi
    sleep 0.05
  done
  log "$name did not write $pidfile; its log:"
  tail -n 20 "$state_dir/log/$name.log" >&2 || true
  return 1
}

node_usable() {
  local s
  s=$(timeout 5 sinfo -h -o %T 2>/dev/null) || return 1
  [[ $s =~ ^(idle|mixed|allocated|completing) ]]
}

# By the clock, not by tries: under load each sinfo may take up to its 5 s timeout.
wait_usable() {
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    node_usable && return 0
    sleep 0.1
  done
  log "node not usable after 60 s: $(sinfo -h -o '%T %E' 2>&1 || true)"
  tail -n 20 "$state_dir/log/slurmctld.log" "$state_dir/log/slurmd.log" >&2 || true
  return 1
}

daemons_alive() {
  alive "$(pid_of munged)" && alive "$(pid_of slurmctld)" && alive "$(pid_of slurmd)"
}

running() {
  daemons_alive && node_usable
}

write_config() {
  local max_array=${TUPLET_SLURM_MAX_ARRAY_SIZE:-100001}
  local ctld_port=${TUPLET_SLURMCTLD_PORT:-6817}
  local d_port=${TUPLET_SLURMD_PORT:-6818}
  # The node's real shape, else slurmd drains it ("Low socket*core*thread count").
  local shape
  shape=$(slurmd -C | head -n 1 | grep -o 'CPUs=[0-9]* Boards=[0-9]* SocketsPerBoard=[0-9]* CoresPerSocket=[0-9]* ThreadsPerCore=[0-9]*')
  cat >"$conf" <<EOF
ClusterName=tuplet
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state_dir/run/munge.sock
StateSaveLocation=$state_dir/state/ctld
SlurmdSpoolDir=$state_dir/state/d
SlurmctldPidFile=$state_dir/run/slurmctld.pid
SlurmdPidFile=$state_dir/run/slurmd.pid
SlurmctldLogFile=$state_dir/log/slurmctld.log
SlurmdLogFile=$state_dir/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state_dir/log/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
Epilog=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=$max_array
MaxJobCount=200000
MinJobAge=60
GresTypes=gpu
NodeName=localhost NodeAddr=127.0.0.1 $shape RealMemory=4000 Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
# A partition with a 1-minute limit: a longer --time waits there with PartitionTimeLimit.
PartitionName=short Nodes=localhost MaxTime=1 State=UP
${TUPLET_SLURM_EXTRA_CONF:-}
EOF
  if [[ -n ${TUPLET_SLURM_CGROUP_CONF:-} ]]; then
    printf '%s\n' "$TUPLET_SLURM_CGROUP_CONF" >"$state_dir/conf/cgroup.conf"
  else
    rm -f "$state_dir/conf/cgroup.conf"
  fi
  # A GPU GRES needs device files, else slurmd drains the node: two character devices.
  echo "NodeName=localhost Name=gpu File=$state_dir/dev/gpu[0-1]" >"$state_dir/conf/gres.conf"
  for i in 0 1; do
    [[ -c $state_dir/dev/gpu$i ]] || mknod "$state_dir/dev/gpu$i" c 1 3
  done
}

start_munged() {
  local key="$state_dir/conf/munge.key"
  if [[ ! -s $key ]]; then
    head -c 1024 /dev/urandom >"$key"
    chmod 0400 "$key"
  fi
  munged --key-file="$key" --socket="$state_dir/run/munge.sock" \
    --pid-file="$state_dir/run/munged.pid" --log-file="$state_dir/log/munged.log" \
    --seed-file="$state_dir/state/munge.seed" </dev/null >/dev/null 9>&-
  record_pid munged "$state_dir/run/munged.pid"
}

start_slurmctld() {
  rm -f "$state_dir/run/slurmctld.pid"
  slurmctld -f "$conf" "$@" </dev/null >/dev/null 9>&-
  record_pid slurmctld "$state_dir/run/slurmctld.pid"
}

start_slurmd() {
  rm -f "$state_dir/run/slurmd.pid"
  # -N: the machine's hostname is not the node's name.
  slurmd -f "$conf" -N localhost </dev/null >/dev/null 9>&-
  record_pid slurmd "$state_dir/run/slurmd.pid"
}

cancel_all_jobs() {
  alive "$(pid_of slurmctld)" || return 0
  local ids
  ids=$(timeout 5 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ') || return 0
  [[ -n ${ids// /} ]] || return 0
  # shellcheck disable=SC2086 # a list of numeric job ids
  timeout 5 scancel $ids 2>/dev/null || true
  for _ in $(seq 1 50); do
    [[ -z $(timeout 5 squeue -h -t running,completing -o %A 2>/dev/null) ]] && return 0
    sleep 0.1
  done
}

stop_cluster() {
  cancel_all_jobs
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
}

start_cluster() {
  install_packages
  # Its daemons run: the cluster is up, perhaps busy — another test file's hundreds of tasks
  # ending can keep sinfo past its timeout. Wait for it: starting fresh would cancel that
  # file's jobs and move its jobcomp record aside (a CI run lost a series' record that way).
  if daemons_alive; then
    wait_usable && return 0
    log "its daemons run but the node stays unusable: starting it fresh"
  fi
  # Something half-alive from an earlier run: clear it and start fresh.
  stop_cluster
  mkdir -p "$state_dir"/{conf,run,state/ctld,state/d,log,dev,pids,leases}
  chmod 755 "$state_dir" "$state_dir/run"
  rm -rf "${state_dir:?}"/state/ctld/* "${state_dir:?}"/state/d/*
  for f in "$state_dir"/log/*; do
    [[ -f $f && $f != *.old ]] && mv -f "$f" "$f.old"
  done
  write_config
  start_munged
  # -c: a fresh cluster, no jobs from an earlier run.
  start_slurmctld -c
  start_slurmd
  wait_usable
}

prune_leases() {
  local f
  for f in "$state_dir"/leases/*; do
    [[ -e $f ]] || continue
    alive "$(basename "$f")" || rm -f "$f"
  done
}

with_lock() {
  mkdir -p "$state_dir"
  exec 9>"$state_dir/lock"
  flock 9
}

case $action in
  start)
    with_lock
    start_cluster
    if [[ -n $lease ]]; then
      prune_leases
      touch "$state_dir/leases/$lease"
    fi
    echo "SLURM_CONF=$conf"
    ;;
  stop)
    with_lock
    if [[ -n $lease ]]; then
      rm -f "$state_dir/leases/$lease"
      prune_leases
      if compgen -G "$state_dir/leases/*" >/dev/null; then
        exit 0
      fi
    fi
    stop_cluster
    ;;
  status)
    if running; then
      echo "running SLURM_CONF=$conf"
    else
      echo "stopped"
      exit 1
    fi
    ;;
  restart-controller)
    with_lock
    stop_daemon slurmctld
    start_slurmctld
    wait_usable
    ;;
  stop-controller)
    with_lock
    stop_daemon slurmctld
    ;;
  *) usage ;;
esac
