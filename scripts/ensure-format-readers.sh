#!/usr/bin/env bash
# Finds a Python with the reference readers test/sweep/input-formats.test.ts reads rendered
# inputs back with (PyYAML, f90nml; json and tomllib are Python's own), installing them into a
# venv under the project's .tools/ when missing, and prints the path of its python (nothing
# else on stdout). The venv's name carries a hash of scripts/lib/format-readers-requirements.txt,
# as scripts/ensure-schemathesis.sh does. Needs python3 >= 3.11 with venv and PyPI, once.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
requirements="$root/scripts/lib/format-readers-requirements.txt"
venv="$tools/format-readers-$(sha256sum "$requirements" | cut -c1-12)"
python="$venv/bin/python"

say() { echo "ensure-format-readers: $*" >&2; }
installed() { [[ -f "$venv/.complete" && -x "$python" ]]; }
if installed; then
  echo "$python"
  exit 0
fi
mkdir -p "$tools"
exec 9>"$tools/.format-readers-install.lock"
command -v flock >/dev/null && flock 9
if installed; then
  echo "$python"
  exit 0
fi
command -v python3 >/dev/null || { say "python3 not found"; exit 1; }
say "installing $(tr '\n' ' ' <"$requirements")into ${venv#"$root/"}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rm -rf "$venv"
if ! { python3 -m venv "$venv" &&
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -rf "$venv"
  say "could not install the readers (Debian needs python3-venv: scripts/install-system-packages.sh)"
  exit 1
fi
touch "$venv/.complete"
echo "$python"
