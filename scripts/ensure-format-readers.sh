#!/usr/bin/env bash
# Finds a Python with the reference readers test/sweep/input-formats.test.ts reads rendered
# inputs back with (PyYAML, f90nml; json and tomllib are Python's own — needs python3 >= 3.11),
# installing them into a venv under .tools/ when missing (pinned in
# scripts/lib/format-readers-requirements.txt), and prints the path of that venv's python.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/ensure-venv.sh
source "$here/lib/ensure-venv.sh"
ensure_venv format-readers "$here/lib/format-readers-requirements.txt" python
