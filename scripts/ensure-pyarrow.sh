#!/usr/bin/env bash
# Finds a Python with pyarrow, the reader the results-export test reads Tuplet's Parquet back
# with (test/api/results-export.test.ts: same rows, same column types as pandas/pyarrow users
# get), installing it into a venv under .tools/ when missing (pinned in
# scripts/lib/pyarrow-requirements.txt; a wheel, no compiler), and prints that venv's python.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/ensure-venv.sh
source "$here/lib/ensure-venv.sh"
ensure_venv pyarrow "$here/lib/pyarrow-requirements.txt" python
