#!/usr/bin/env bash
# The test command. On a fresh machine it creates a virtual environment (.venv, or $SIDECAR_VENV),
# installs the project with its dev tools, then runs: ruff lint, ruff format check, mypy (strict),
# import-linter contracts, hadolint (Dockerfile), and pytest on two processes (pytest-xdist's
# `-n 2`). Extra arguments go to pytest after it, so `-n 0` runs it in one process:
#   bash tests/run.sh -n 0 tests/unit
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${SIDECAR_VENV:-.venv}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "immich-sidecar needs Python 3.11 or newer")'
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)

echo "== ruff check"; "$VENV/bin/ruff" check .
echo "== ruff format --check"; "$VENV/bin/ruff" format --check .
echo "== mypy (strict)"; "$VENV/bin/mypy"
echo "== import contracts"; "$VENV/bin/lint-imports" --no-cache
echo "== hadolint Dockerfile"; "$VENV/bin/hadolint" Dockerfile
echo "== pytest"; "$VENV/bin/pytest" -n 2 "$@"
