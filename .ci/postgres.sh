#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store tests: initdb in a temp dir, started on a free loopback port, trust
# authentication, fsync on (the durability the tests assert is the server's own). Prints, for `eval`, PACTS_POSTGRES (the
# Npgsql connection string the tests read) and PACTS_PG_DIR; `.ci/postgres.sh stop DIR` stops it and removes DIR. Debian's binaries (apt-get install postgresql) or PACTS_PG_BIN.
set -euo pipefail
bin=${PACTS_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bin/initdb" ] || { echo "no PostgreSQL binaries (apt-get install postgresql, or set PACTS_PG_BIN)" >&2; exit 1; }
cd / # the postgres user may not enter the caller's directory
as=() # initdb refuses to run as root: the cluster then belongs to Debian's `postgres` user
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
if [ "${1:-}" = stop ]; then
  "${as[@]}" "$bin/pg_ctl" -D "$2/data" -m fast stop >/dev/null
  rm -rf "$2"
  exit 0
fi
dir=$(mktemp -d /tmp/pacts-pg.XXXXXX)
chmod 0777 "$dir"
"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
  || { cat "$dir/data/server.log" >&2; exit 1; }
echo "export PACTS_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres' PACTS_PG_DIR=$dir"
