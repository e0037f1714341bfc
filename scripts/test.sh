#!/usr/bin/env bash
# The whole test suite, as the README and .ci/run call it. Installs everything it needs first:
# a virtual environment with beian and its test extras, the Debian packages in
# scripts/debian-packages.txt (when run as root), and a PostgreSQL server on loopback.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"` skips the tests marked
# slow (> ~5 s each). Tests that read ../shared (or $BEIAN_SHARED) skip when it is absent, unless
# BEIAN_REQUIRE_SHARED=1 (as in .ci/run) makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages first: the compiler and Python headers build beian's C kernel on install.
bash scripts/setup-system.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  BEIAN_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"
  export BEIAN_TEST_POSTGRES_URL
fi
echo "== ruff"; .venv/bin/ruff check src tests bench scripts
.venv/bin/ruff format --check src tests bench scripts
echo "== mypy (strict, src/ and tests/)"; .venv/bin/mypy
echo "== pytest"; .venv/bin/pytest "$@"
