#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: trust auth, listening on 127.0.0.1 only.
#
#   scripts/services/postgres.sh start DIR PORT   # initdb into DIR (when new), start, print the URL
#   scripts/services/postgres.sh stop DIR         # stop the server of DIR (DIR stays; remove it yourself)
#
# Uses Debian's binaries in /usr/lib/postgresql/*/bin, installing `postgresql` with apt-get
# when they are missing (as root). initdb refuses to run as root, so root runs the server
# as the `postgres` user, which then owns DIR (its parent directories must be traversable).
set -euo pipefail

usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

find_bindir() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

install_postgres() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "postgres.sh: PostgreSQL is not installed; run as root or: apt-get install postgresql" >&2
    exit 1
  fi
  # The package would otherwise create and start a cluster `main` on port 5432 we do not want.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/tuplet-tests.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends postgresql >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends postgresql >/dev/null; }
}

# Runs a PostgreSQL binary as the user that owns the cluster.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# initdb takes seconds; a copy of a pristine cluster made once per machine takes a fraction.
# The template is built aside and renamed into place, so a half-made one is never used.
init_cluster() {
  local bindir=$1 dir=$2 template out
  template="${TMPDIR:-/tmp}/tuplet-pg-template-$(basename "$(dirname "$bindir")")-$(id -u)"
  if [[ ! -f "$template/PG_VERSION" ]]; then
    local building="$template.$$"
    mkdir -p "$building"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$building"
    out=$(as_owner "$bindir/initdb" -D "$building" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N 2>&1) ||
      { rm -rf "$building"; echo "$out" >&2; exit 1; }
    mv -T "$building" "$template" 2>/dev/null || rm -rf "$building" # another start won the race
  fi
  as_owner cp -a "$template/." "$dir/"
}

start() {
  local dir=$1 port=$2 bindir
  bindir=$(find_bindir) || { install_postgres; bindir=$(find_bindir); }
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    as_owner test -x "$dir" || { echo "postgres.sh: user postgres cannot reach $dir (check its parents' modes)" >&2; exit 1; }
  fi
  [[ -f "$dir/PG_VERSION" ]] || init_cluster "$bindir" "$dir"
  # Durability is pointless for a throwaway cluster; the socket goes into DIR, not /run.
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
  opts+=" -c full_page_writes=off -c max_connections=50 -c shared_buffers=32MB"
  if ! as_owner "$bindir/pg_ctl" -D "$dir" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null; then
    tail -n 20 "$dir/server.log" >&2
    exit 1
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1 bindir
  bindir=$(find_bindir) || exit 0
  [[ -f "$dir/postmaster.pid" ]] || exit 0
  as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
}

case "${1:-}" in
  start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
  stop) [[ $# -ge 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
