#!/usr/bin/env bash
# Finds schemathesis (the API fuzzer test/security/api-fuzz.test.ts runs), installing it into
# a Python venv under the project's .tools/ when missing (schemathesis and every dependency
# pinned in scripts/lib/schemathesis-requirements.txt), and prints the path of its executable.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/ensure-venv.sh
source "$here/lib/ensure-venv.sh"
ensure_venv schemathesis "$here/lib/schemathesis-requirements.txt" schemathesis
