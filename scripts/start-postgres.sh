#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 for the store tests and print its URL.
# Usage: export BEIAN_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"
set -euo pipefail
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$bindir" ] || { echo "postgresql is not installed" >&2; exit 1; }
port="${BEIAN_PG_PORT:-54329}"
data="${BEIAN_PG_DIR:-/tmp/beian-pg-$port}"
run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(runuser -u postgres --); fi
if ! "${run_as[@]}" "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q 2>/dev/null; then
  rm -rf "$data"; mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres "$data"
  "${run_as[@]}" "$bindir/initdb" -D "$data" -U beian --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/log" -w \
    -o "-h 127.0.0.1 -p $port -k /tmp -c fsync=off" start >/dev/null
fi
"${run_as[@]}" "$bindir/psql" -h 127.0.0.1 -p "$port" -U beian -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='beian_test'" | grep -q 1 ||
  "${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U beian beian_test
echo "postgresql://beian@127.0.0.1:$port/beian_test"
