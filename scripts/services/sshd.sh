#!/usr/bin/env bash
# An sshd on 127.0.0.1 with its own host key and config, key-only login for the current
# user, for tests and benchmarks (see ../../../shared/notes/slurm-on-loopback.md).
#
#   sshd.sh start STATE_DIR PORT [--env NAME=VALUE]...   prints KEY=VALUE lines:
#       PORT USER IDENTITY_FILE KNOWN_HOSTS_FILE HOST_KEY_LINE
#   sshd.sh stop STATE_DIR                               waits until sshd has exited
#
# --env sets a variable in every session (sshd's SetEnv), e.g. SLURM_CONF so that plain
# `sbatch` reaches the test cluster over ssh.
set -euo pipefail

usage() {
  echo "usage: $0 start STATE_DIR PORT [--env NAME=VALUE]... | stop STATE_DIR" >&2
  exit 2
}
log() { echo "sshd.sh: $*" >&2; }

[[ $# -ge 2 ]] || usage
action=$1
state_dir=$(realpath -m "$2")
shift 2

alive() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

start() {
  local port=${1:?PORT}
  shift
  [[ $port =~ ^[0-9]+$ ]] || usage
  local setenv=()
  while [[ $# -gt 0 ]]; do
    [[ $1 == --env && $# -ge 2 ]] || usage
    # One NAME=VALUE per SetEnv word; quotes, backslashes and newlines would change its meaning.
    if [[ ! $2 =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\\\'$'\n']*$ ]]; then
      log "unsupported --env value: $2"
      exit 2
    fi
    setenv+=("\"$2\"")
    shift 2
  done

  command -v /usr/sbin/sshd >/dev/null || {
    flock /tmp/tuplet-apt.lock sh -c 'export TMPDIR=/var/tmp DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 openssh-server >/dev/null ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends openssh-server >/dev/null; }'
  }
  mkdir -p "$state_dir" /run/sshd
  chmod 700 "$state_dir"
  [[ -f $state_dir/host_key ]] || ssh-keygen -q -t ed25519 -N '' -C tuplet-test-host -f "$state_dir/host_key"
  [[ -f $state_dir/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C tuplet-test-client -f "$state_dir/id_ed25519"
  cp "$state_dir/id_ed25519.pub" "$state_dir/authorized_keys"
  local host_key_line
  host_key_line="[127.0.0.1]:$port $(cut -d' ' -f1,2 "$state_dir/host_key.pub")"
  echo "$host_key_line" >"$state_dir/known_hosts"

  cat >"$state_dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $state_dir/host_key
PidFile $state_dir/sshd.pid
AuthorizedKeysFile $state_dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
StrictModes no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
  if [[ ${#setenv[@]} -gt 0 ]]; then
    echo "SetEnv ${setenv[*]}" >>"$state_dir/sshd_config"
  fi

  rm -f "$state_dir/sshd.pid"
  # sshd binds before it daemonizes: a taken port fails here, with the reason in the log.
  if ! /usr/sbin/sshd -f "$state_dir/sshd_config" -E "$state_dir/sshd.log" </dev/null >/dev/null; then
    log "sshd did not start: $(tail -n 3 "$state_dir/sshd.log" 2>/dev/null)"
    exit 1
  fi
  for _ in $(seq 1 100); do
    [[ -s $state_dir/sshd.pid ]] && break
    sleep 0.05
  done
  [[ -s $state_dir/sshd.pid ]] || {
    log "sshd wrote no pid file: $(tail -n 3 "$state_dir/sshd.log" 2>/dev/null)"
    exit 1
  }
  cp "$state_dir/sshd.pid" "$state_dir/pid"

  echo "PORT=$port"
  echo "USER=$(id -un)"
  echo "IDENTITY_FILE=$state_dir/id_ed25519"
  echo "KNOWN_HOSTS_FILE=$state_dir/known_hosts"
  echo "HOST_KEY_LINE=$host_key_line"
}

stop() {
  local pid
  pid=$(cat "$state_dir/pid" 2>/dev/null || true)
  if alive "$pid"; then
    # Open sessions are the listener's children: end them too, they are ours.
    local -a children=()
    mapfile -t children < <(pgrep -P "$pid")
    kill -TERM "$pid" "${children[@]}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.05
    done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    while alive "$pid"; do sleep 0.05; done
  fi
  rm -f "$state_dir/pid"
}

case $action in
  start) start "$@" ;;
  stop) stop ;;
  *) usage ;;
esac
