#!/usr/bin/env bash
# ensure_venv NAME REQUIREMENTS EXECUTABLE: finds a Python tool in a venv under the project's
# .tools/, installing it from REQUIREMENTS (every package pinned, the first line `NAME==VERSION`
# after the comments) when missing, and prints the path of the venv's EXECUTABLE (nothing else
# on stdout; nothing on stderr unless it installs or fails).
#
# The venv's name carries a hash of REQUIREMENTS, so editing that file installs a fresh venv
# next to the old. Needs python3 with venv (Debian: python3-venv, which
# scripts/install-system-packages.sh installs) and pip's access to PyPI, once.
ensure_venv() {
  local name="$1" requirements="$2" executable="$3"
  local root tools version hash venv binary
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  tools="$root/.tools"
  version="$(sed -n "s/^$name==//p" "$requirements")"
  hash="$(sha256sum "$requirements" | cut -c1-12)"
  venv="$tools/$name-$version-$hash"
  binary="$venv/bin/$executable"
  say() { echo "ensure-$name: $*" >&2; }
  # A venv is complete once the marker is written, after pip succeeded.
  installed() { [[ -f "$venv/.complete" && -x "$binary" ]]; }
  if installed; then
    echo "$binary"
    return 0
  fi
  mkdir -p "$tools"
  # Parallel callers install once: the others wait on the lock.
  exec 9>"$tools/.$name-install.lock"
  command -v flock >/dev/null && flock 9
  if installed; then
    echo "$binary"
    return 0
  fi
  command -v python3 >/dev/null || { say "python3 not found"; return 1; }
  say "installing $name $version into ${venv#"$root/"}"
  local started=$SECONDS log
  log="$(mktemp)"
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    rm -rf "$venv"
    say "could not install $name (Debian needs python3-venv: scripts/install-system-packages.sh)"
    return 1
  fi
  rm -f "$log"
  touch "$venv/.complete"
  say "installed $name $version in $((SECONDS - started)) s"
  echo "$binary"
}
