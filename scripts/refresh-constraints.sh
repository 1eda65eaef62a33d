#!/usr/bin/env bash
# refresh-constraints.sh: re-resolve every dependency (runtime, test and bench extras) to the newest
# versions the package index serves, in a throw-away virtual environment of the Python it runs with
# ($PYTHON, default python3; the header of constraints.txt names it), and write them pinned to
# constraints.txt. Run it from the repository, review `git diff constraints.txt`, run the tests,
# commit. Installs then stay reproducible until the next refresh:
#
#   pip install -c constraints.txt -e '.[test]'
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m venv "$tmp/venv"
# pip's own chatter goes to a log, shown only when the install fails.
if ! { "$tmp/venv/bin/python" -m pip install -q --upgrade pip setuptools wheel &&
       "$tmp/venv/bin/python" -m pip install -q -e '.[test,bench]'; } >"$tmp/pip.log" 2>&1; then
  cat "$tmp/pip.log" >&2
  exit 1
fi
{
  echo "# Every dependency of hbdt (runtime, test and bench extras), pinned."
  echo "# Made by scripts/refresh-constraints.sh with $("$tmp/venv/bin/python" --version) on $(date -u +%Y-%m-%d)."
  echo "# Used by the README's first command and by .ci/run: pip install -c constraints.txt -e '.[test]'"
  "$tmp/venv/bin/python" -m pip freeze --all --exclude-editable | grep -v '^-e ' | LC_ALL=C sort -f
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned" >&2
