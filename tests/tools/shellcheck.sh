#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every shell script of the tree (*.sh, .ci/run and the files that start
# with #!/bin/sh or #!/bin/bash) through shellcheck at severity warning,
# sourced files followed: one TAP line per script. A script may silence a
# warning only with a directive that says why.
# Usage: shellcheck.sh SOURCE_ROOT
set -u
root=$1
cd "$root" || exit 1
if ! command -v shellcheck >/dev/null; then
  echo "1..0 # SKIP no shellcheck (scripts/setup-deps.sh installs it)"
  exit 0
fi
mapfile -t scripts < <(
  { git ls-files '*.sh' .ci/run 2>/dev/null
    git ls-files 2>/dev/null | grep -v '\.sh$' | while read -r f; do
      [ -f "$f" ] && head -c 12 "$f" | grep -qE '^#!/bin/(ba)?sh' && echo "$f"
    done; } | sort -u)
if [ ${#scripts[@]} = 0 ]; then
  echo "1..0 # SKIP not a git checkout"
  exit 0
fi
echo "1..${#scripts[@]}"
n=0
for f in "${scripts[@]}"; do
  n=$((n + 1))
  if out=$(shellcheck -x -P SCRIPTDIR -S warning "$f" 2>&1); then
    echo "ok $n - $f"
  else
    echo "not ok $n - $f"
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
done
