#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests: Debian's postgresql (installed when missing), a fresh cluster in a
# temporary folder, on a free loopback port, without systemd. As root, initdb and the server run as the postgres
# user (initdb refuses root).
#
#   bundles/store/postgres.sh start STATE_DIR   prints the JDBC URL and writes it to STATE_DIR/postgres.url
#   bundles/store/postgres.sh stop STATE_DIR    stops the server started for STATE_DIR and removes its folder
# POSTGRES_OPTIONS adds server settings, e.g. "-c shared_preload_libraries=pg_stat_statements" (benchmarks).
set -euo pipefail
cmd=${1:?start or stop}
state=${2:?state folder}
mkdir -p "$state"
state=$(cd "$state" && pwd)

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$state/postgres.dir" ]; then
    local dir bin
    dir=$(cat "$state/postgres.dir")
    bin=$(bindir || true)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    rm -f "$state/postgres.dir" "$state/postgres.url"
  fi
}

case "$cmd" in
  stop) stop ;;
  start)
    stop
    if ! bin=$(bindir); then
      echo "postgres: PostgreSQL is missing; installing Debian's postgresql" >&2
      if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
        echo "postgres: installing packages needs root: sudo apt-get install -y postgresql" >&2
        echo "          (or skip the PostgreSQL runs with -Dstore.postgres.skip)" >&2
        exit 1
      fi
      $sudo apt-get update -qq
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      bin=$(bindir)
    fi
    dir=$(mktemp -d /tmp/talentats-pg.XXXXXX)
    echo "$dir" > "$state/postgres.dir"
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U app -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 ${POSTGRES_OPTIONS:-}" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    url="jdbc:postgresql://127.0.0.1:$port/postgres?user=app"
    echo "$url" > "$state/postgres.url"
    echo "postgres: $url (data in $dir)"
    ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
