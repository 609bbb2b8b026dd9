#!/usr/bin/env bash
# What `npm test` runs (after `pretest` has installed node_modules and the Temporal CLI):
#   1. the system packages the integration tests use, when missing and we are root
#      (scripts/install-system-packages.sh), and Temporal's time-skipping test server
#      (scripts/ensure-temporal-test-server.sh);
#   2. typecheck and lint (skipped when the run is narrowed to some tests);
#   3. every test/**/*.test.ts with Node's test runner, two files at a time.
# Narrow it:  npm test -- test/sweep   |   npm test -- test/sweep/parse.test.ts
# Options for Node's runner pass through:  npm test -- test/api --test-name-pattern=token
# Screenshots, a TAP log and every file's wall time (file-timings.tsv) go to test-artifacts/ ($TUPLET_TEST_ARTIFACTS).
# Exit status: the tests' when they fail, else 1 when typecheck or lint failed, else 0.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1
export TUPLET_TEST_ARTIFACTS="$root/test-artifacts"
mkdir -p "$TUPLET_TEST_ARTIFACTS"

say() { echo "test.sh: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# Test files from the arguments (folders, files), or all of test/. Node 20 needs the list.
files=()
node_options=()
narrowed=0
collect_test_files() {
  local arg paths=()
  for arg in "$@"; do
    if [[ $arg == -* ]]; then node_options+=("$arg"); else paths+=("$arg"); fi
  done
  ((${#paths[@]} > 0)) && narrowed=1 || paths=(test)
  for arg in "${paths[@]}"; do
    if [[ -d $arg ]]; then
      mapfile -t -O "${#files[@]}" files < <(find "$arg" -name '*.test.ts' -not -path '*/node_modules/*' | sort)
    elif [[ -f $arg ]]; then
      files+=("$arg")
    else
      say "no such test file or folder: $arg"
      exit 2
    fi
  done
  if ((${#files[@]} == 0)); then
    say "no test files under: ${paths[*]}"
    exit 2
  fi
}

collect_test_files "$@"
bash scripts/install-system-packages.sh || exit 1
# After the system packages (it needs java): the workflow tests' time-skipping server. When it
# cannot be installed, only those tests fail (they run the script again and say why).
bash scripts/ensure-temporal-test-server.sh >/dev/null || say "continuing without Temporal's test server"
# The S3-compatible server of the storage tests (moto); when it cannot be installed, only they fail.
bash scripts/ensure-s3-server.sh >/dev/null || say "continuing without the S3 test server (moto)"

checks_failed=0
checks_time="skipped (narrowed run)"
if ((narrowed == 0)); then
  started="$(now)"
  # Side by side (one core each), each printing when it is done rather than interleaved.
  checks_dir="$(mktemp -d)"
  declare -A check_pids=()
  for check in typecheck lint; do
    npm run -s "$check" >"$checks_dir/$check" 2>&1 &
    check_pids[$check]=$!
  done
  for check in typecheck lint; do
    wait "${check_pids[$check]}"
    status=$?
    cat "$checks_dir/$check"
    if ((status != 0)); then
      say "$check failed"
      checks_failed=1
    fi
  done
  rm -rf "$checks_dir"
  checks_time="$(since "$started")"
fi

say "running ${#files[@]} test files"
started="$(now)"
node --import tsx --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TUPLET_TEST_ARTIFACTS/tests.tap" \
  --test-reporter=./scripts/test-file-timings.mjs --test-reporter-destination="$TUPLET_TEST_ARTIFACTS/file-timings.tsv" \
  "${node_options[@]}" "${files[@]}"
tests_status=$?
if ((${#files[@]} > 10)); then
  say "the slowest test files (seconds, each from its start to its end; all in $TUPLET_TEST_ARTIFACTS/file-timings.tsv):"
  head -n 12 "$TUPLET_TEST_ARTIFACTS/file-timings.tsv" | sed 's/^/  /' >&2
fi
say "typecheck+lint $checks_time, tests $(since "$started") (exit $tests_status)"

if ((tests_status != 0)); then exit "$tests_status"; fi
exit "$checks_failed"
