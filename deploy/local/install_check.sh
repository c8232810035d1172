#!/usr/bin/env bash
# `make install-check`: the documented install (docs/deployment.md, "Installing hadath") in a
# fresh virtualenv, then proof that it works and that what the lock leaves out stays out.
#   bash deploy/local/install_check.sh [requirements/runtime.lock]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
LOCK=${1:-requirements/runtime.lock}
PY=${PY:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PY" -m venv "$WORK/venv"
BIN=$WORK/venv/bin
# A copy of what a checkout holds, so the build leaves no build/ folder in the tree.
mkdir "$WORK/src"
cp -r pyproject.toml README.md services schemas requirements "$WORK/src/"
cd "$WORK/src"
# The two documented commands, verbatim.
"$BIN/pip" install -q --no-deps --require-hashes -r "$LOCK"
"$BIN/pip" install -q --no-deps --no-build-isolation .
cd "$ROOT"

version=$(cd "$WORK" && "$BIN/hadath" --version)
events=$(cd "$WORK" && "$BIN/hadath" extract --input "$ROOT/seeds/" | wc -l)
echo "install-check: $version; hadath extract --input seeds/: $events events"
[ "$events" -gt 0 ] || { echo "install-check: no events from seeds/" >&2; exit 1; }
"$BIN/python" - <<'PY'
import importlib.util
import sys

left_out = ("torch", "transformers", "sklearn", "scipy", "pandas", "kenlm")
present = [name for name in left_out if importlib.util.find_spec(name) is not None]
if present:
    sys.exit(f"install-check: installed although the lock leaves them out: {present}")
print(f"install-check: none of {', '.join(left_out)} installed")
PY
