#!/usr/bin/env bash
# Finds the S3-compatible server the storage tests start (test/support/s3-server.ts): moto in
# server mode (`moto_server`, from PyPI), installing it into a venv under .tools/ when missing
# (pinned in scripts/lib/moto-requirements.txt), and prints the path of its executable.
# Why moto: it installs from PyPI in about a minute with no compiler, speaks S3's REST API
# (multipart uploads, ranged GETs, ListObjectsV2, path-style addressing) and keeps its objects
# in one process that the tests start on a free port and stop; see docs/storage.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/ensure-venv.sh
source "$here/lib/ensure-venv.sh"
ensure_venv moto "$here/lib/moto-requirements.txt" moto_server
