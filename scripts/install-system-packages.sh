#!/usr/bin/env bash
# Installs the Debian packages the tests use, when some are missing and we are root:
# PostgreSQL (database tests against postgres-js), Chromium (web UI), a one-node SLURM
# with munge, an sshd on 127.0.0.1, python3 (the example application) and python3-venv (the
# API fuzzer's venv, scripts/ensure-schemathesis.sh), shellcheck (npm run lint), a Java runtime
# (Temporal's time-skipping test server, scripts/ensure-temporal-test-server.sh). Extra package
# names may be given as arguments. One `apt-get install`; nothing when all are present.
set -uo pipefail

packages=(postgresql chromium slurmctld slurmd slurm-client munge openssh-server python3 python3-venv shellcheck openjdk-17-jre-headless "$@")

say() { echo "install-system-packages: $*" >&2; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
  say "not installed: ${missing[*]} (not root or no apt-get) — the tests that need them will fail"
  exit 0
fi

say "installing ${missing[*]}"
started=$SECONDS
log="$(mktemp)"
# The tests start their own PostgreSQL, munge, SLURM and sshd on their own ports: keep the
# packages' scripts from starting system-wide daemons (unless the machine has a policy).
policy=/usr/sbin/policy-rc.d
own_policy=
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
{
  # A machine that never ran `apt-get update` has no package lists yet.
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    apt-get update -q -o DPkg::Lock::Timeout=300
  fi &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 \
      --no-install-recommends "${missing[@]}"
} >"$log" 2>&1
status=$?
[[ -n $own_policy ]] && rm -f "$policy"
if ((status != 0)); then
  cat "$log" >&2
  rm -f "$log"
  say "apt-get install failed"
  exit 1
fi
rm -f "$log"
say "installed in $((SECONDS - started)) s"
