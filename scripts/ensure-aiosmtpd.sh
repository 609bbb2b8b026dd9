#!/usr/bin/env bash
# Finds aiosmtpd (the SMTP server test/engine/notifications.test.ts starts as
# `python -m aiosmtpd`), installing it into a venv under .tools/ when missing (pinned in
# scripts/lib/aiosmtpd-requirements.txt), and prints the path of that venv's python.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/ensure-venv.sh
source "$here/lib/ensure-venv.sh"
ensure_venv aiosmtpd "$here/lib/aiosmtpd-requirements.txt" python
