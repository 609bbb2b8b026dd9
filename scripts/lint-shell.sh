#!/usr/bin/env bash
# Runs shellcheck on every shell script of the checkout (part of `npm run lint`): the tracked
# *.sh files and every tracked file whose first line names bash or sh (.ci/run, bin/tuplet).
# A finding that is intended is disabled on its line with a comment that says why.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

if ! command -v shellcheck >/dev/null; then
  echo "lint-shell: shellcheck is not installed (scripts/install-system-packages.sh installs it as root)" >&2
  exit 1
fi

scripts=()
while IFS= read -r -d '' file; do
  [[ -f $file ]] || continue
  if [[ $file == *.sh ]] || head -n 1 -- "$file" | grep -Eq '^#!(/usr/bin/env |/bin/)(ba)?sh\b'; then
    scripts+=("$file")
  fi
done < <(git ls-files -z)

# -x follows `source` lines (scripts that share a fragment name it with a directive).
shellcheck -x "${scripts[@]}"
