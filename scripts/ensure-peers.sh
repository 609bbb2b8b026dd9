#!/usr/bin/env bash
# Finds the peers `npm run bench -- peers` measures Tuplet against (submitit, Snakemake and
# snakemake-executor-plugin-slurm), installing them into one Python venv under .tools/ when
# missing (every package pinned in scripts/lib/peers-requirements.txt), and prints the path of
# that venv's python; `snakemake` is beside it. Fast when present (no pip, no network).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/ensure-venv.sh
source "$here/lib/ensure-venv.sh"
ensure_venv peers "$here/lib/peers-requirements.txt" python
