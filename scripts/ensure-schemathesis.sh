#!/usr/bin/env bash
# Finds schemathesis (the API fuzzer test/security/api-fuzz.test.ts runs), installing it into
# a Python venv under the project's .tools/ when missing, and prints the path of its
# executable (nothing else on stdout; nothing on stderr unless it installs or fails).
#
# The venv's name carries a hash of scripts/lib/schemathesis-requirements.txt (schemathesis
# and every dependency, pinned), so editing that file installs a fresh venv next to the old.
# Needs python3 with venv (Debian: python3-venv, which scripts/install-system-packages.sh
# installs) and pip's access to PyPI, once.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
requirements="$root/scripts/lib/schemathesis-requirements.txt"
version="$(sed -n 's/^schemathesis==//p' "$requirements")"
hash="$(sha256sum "$requirements" | cut -c1-12)"
venv="$tools/schemathesis-$version-$hash"
binary="$venv/bin/schemathesis"

say() { echo "ensure-schemathesis: $*" >&2; }

# A venv is complete once the marker is written, after pip succeeded.
installed() { [[ -f "$venv/.complete" && -x "$binary" ]]; }
if installed; then
  echo "$binary"
  exit 0
fi

mkdir -p "$tools"
# Parallel callers install once: the others wait on the lock.
exec 9>"$tools/.schemathesis-install.lock"
command -v flock >/dev/null && flock 9
if installed; then
  echo "$binary"
  exit 0
fi

command -v python3 >/dev/null || { say "python3 not found"; exit 1; }
say "installing schemathesis $version into ${venv#"$root/"}"
started=$SECONDS
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rm -rf "$venv"
if ! { python3 -m venv "$venv" &&
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -rf "$venv"
  say "could not install schemathesis (Debian needs python3-venv: scripts/install-system-packages.sh)"
  exit 1
fi
touch "$venv/.complete"
say "installed $("$binary" --version 2>/dev/null) in $((SECONDS - started)) s"
echo "$binary"
