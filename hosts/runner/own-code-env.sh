#!/usr/bin/env bash
# The setup of an own-code series (docs/own-code.md): builds, once per host, the virtual
# environment its package's requirements need, or reuses the one built before; then links it
# as .tuplet/own-code-env, where the runs' command finds it.
#
# Runs as the series' setup script: in the series directory (<workdir>/<series id>), once per
# series, where submission happens (the login node of a cluster), with the environment runs
# get. Arguments, set by the text Tuplet prepends (hosts/own-code.ts):
#   $1       the environment's key: sha256 hex of the series' group, the interpreter and the
#            requirements (so groups never share an environment)
#   $2       the interpreter: python3 or python3.N
#   $3 ...   the requirement lines, as the API checked them (no options, paths or URLs)
#
# The environment is <workdir>/.tuplet-envs/<key>-py<X.Y.Z>: the interpreter's exact version
# is part of the name, so an upgraded Python gets a new one. Builds of one environment are
# serialised by flock(1) on <name>.lock beside it: a second series waits for the first's build
# and then reuses it. A build is complete when its `.tuplet-built` marker exists (written last,
# then the tree is made read-only); an environment without it is the remains of a build that
# died and is built again. It is built in place, not in a temporary directory renamed at the
# end: a venv's scripts (bin/pip, console entry points) name its absolute path.
#
# Pruning (after this series' environment is linked): another environment is removed when it
# was last set up (its lock file's mtime, touched by every setup that uses it) longer ago than
# PRUNE_AFTER seconds (TUPLET_HOST_CACHE_TTL_HOURS, in the text Tuplet prepends; 0: never) and
# no series that links it (<workdir>/<series>/.tuplet/own-code-env) has had anything change
# under its .tuplet/ or its runs' .tuplet/ since then. It is removed holding its lock (flock -n:
# one being set up is left alone), so a series starting meanwhile waits and builds it again; a
# live one never loses it.
set -uo pipefail

key=${1:-} python=${2:-}
shift 2 || { echo "own code: the setup lacks its arguments" >&2; exit 2; }
[[ $key =~ ^[0-9a-f]{64}$ ]] || { echo "own code: bad environment key '$key'" >&2; exit 2; }
[[ $python =~ ^python3(\.[0-9]{1,2})?$ ]] || { echo "own code: bad interpreter '$python'" >&2; exit 2; }

if ! command -v "$python" >/dev/null; then
  echo "own code: $python is not installed on this host (PATH=$PATH)" >&2
  exit 1
fi
version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') || {
  echo "own code: $python does not start" >&2
  exit 1
}
workdir=$(cd .. && pwd -P) || exit 1
envs=$workdir/.tuplet-envs
name=$key-py$version
env_dir=$envs/$name
mkdir -p "$envs" || exit 1

# Read-write, so a FIFO planted at the lock's name cannot block the open (as the pool's locks).
exec {lock}<>"$envs/$name.lock" || exit 1
if ! flock -n "$lock"; then
  echo "own code: another series is building $env_dir; waiting for it"
  flock "$lock" || exit 1
fi

build() {
  if [[ -e $env_dir ]]; then
    echo "own code: removing an unfinished build of $env_dir"
    chmod -R u+w "$env_dir" && rm -rf "$env_dir" || return 1
  fi
  echo "own code: building $env_dir with $python $version"
  # No pip inside the environment when the interpreter's own pip can install into it (22.3+,
  # --python): creating a venv with pip costs seconds of ensurepip.
  local pip=("$python" -m pip --python "$env_dir/bin/python")
  if ! "$python" -m pip install --help 2>/dev/null | grep -q -- '--python'; then pip=(); fi
  if ((${#pip[@]})); then
    "$python" -m venv --without-pip "$env_dir" || return 1
  else
    "$python" -m venv "$env_dir" || return 1
    pip=("$env_dir/bin/python" -m pip)
  fi
  if (($#)); then
    local requirements=.tuplet/own-code-requirements.txt
    printf '%s\n' "$@" >"$requirements" || return 1
    echo "own code: installing $# requirement(s): $*"
    # No configuration files (the run account's ~/.config/pip is writable by every run on the
    # host: one group's run could point the next group's build at another index) and no
    # cache (same reason: ~/.cache/pip); the admin's variables (PIP_INDEX_URL…) still apply.
    PIP_CONFIG_FILE=/dev/null "${pip[@]}" install --no-cache-dir --no-input --disable-pip-version-check \
      --requirement "$requirements" || return 1
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$env_dir/.tuplet-built" || return 1
  chmod -R a-w "$env_dir"
}

if [[ -f $env_dir/.tuplet-built ]]; then
  echo "own code: reusing $env_dir, built $(<"$env_dir/.tuplet-built")"
elif ! build "$@"; then
  echo "own code: building the environment failed" >&2
  exit 1
fi
ln -sfn "$env_dir" .tuplet/own-code-env || exit 1
touch "$envs/$name.lock"
echo "own code: runs use $env_dir"
exec {lock}>&-

# Whether the series directory $1 changed since the cutoff: its setup's files and link, its
# runs' .tuplet/ (started, stdout, exit…). Stops at the first recent entry.
recently_used() {
  [[ -n $(find "$1/.tuplet" "$1/runs" -maxdepth 3 -newermt "@$cutoff" -print -quit 2>/dev/null) ]]
}

prune() {
  cutoff=$(($(date +%s) - PRUNE_AFTER))
  local stale=() lockfile dir
  for lockfile in "$envs"/*-py*.lock; do
    dir=${lockfile%.lock}
    [[ -d $dir && $dir != "$env_dir" ]] || continue
    [[ -n $(find "$lockfile" -maxdepth 0 ! -newermt "@$cutoff") ]] && stale+=("$dir")
  done
  ((${#stale[@]})) || return 0
  # Every series linking an environment, as "<target>\t<series>/.tuplet": one find for them all.
  local links
  links=$(find "$workdir" -mindepth 3 -maxdepth 3 -path '*/.tuplet/own-code-env' -type l -printf '%l\t%h\n' 2>/dev/null)
  local fd target holder live
  for dir in "${stale[@]}"; do
    exec {fd}<>"$dir.lock" || continue
    if flock -n "$fd"; then
      live=
      while IFS=$'\t' read -r target holder; do
        [[ $target == "$dir" ]] && recently_used "${holder%/.tuplet}" && { live=1; break; }
      done <<<"$links"
      # Looked at again under the lock: a setup may have used it since the list was made.
      if [[ -z $live && -n $(find "$dir.lock" -maxdepth 0 ! -newermt "@$cutoff") ]]; then
        chmod -R u+w "$dir" && rm -rf "$dir" && echo "own code: removed $dir, unused for more than $PRUNE_AFTER s"
      fi
    fi
    exec {fd}>&-
  done
}
if ((${PRUNE_AFTER:-0} > 0)); then prune; fi
