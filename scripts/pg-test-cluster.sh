#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: the store suite runs against a real server, not a
# mock, and neither CI nor a developer's machine should need a configured one.
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # prints S2CAP_TEST_PG_URL=… and S2CAP_TEST_PG_DIR=…
#   scripts/pg-test-cluster.sh stop "$S2CAP_TEST_PG_DIR"
#   scripts/pg-test-cluster.sh bindir                 # where initdb/pg_ctl are; exit 3 if nowhere
#
# start: initdb into a fresh temp folder, then pg_ctl start on a free port chosen now, listening on
# 127.0.0.1 only (its unix socket inside the folder), trust auth, durability off (throwaway data).
# PostgreSQL refuses to run as root, so as root the server runs as `nobody` (the folder is handed
# to it). `start --watch PID` also stops the cluster once process PID is gone, so a test run that is
# killed leaves no server behind. stop: pg_ctl stop (immediate), then removes the folder.
# The cluster folder is made under $S2CAP_PG_TMPDIR if set, else $TMPDIR, else /tmp (.ci/run gives
# its run a folder of its own, so it stops only its own clusters, never another run's).
# The binaries come from $S2CAP_PG_BINDIR if set, else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin, else PATH.
set -euo pipefail

die() { echo "pg-test-cluster: $*" >&2; exit 1; }
# Exit status 3: PostgreSQL is not installed (the tests then skip, or fail under CI).
not_installed() { echo "pg-test-cluster: no PostgreSQL binaries (initdb, pg_ctl) found; on Debian: apt-get install postgresql" >&2; exit 3; }

find_bindir() {
  local d
  if [ -n "${S2CAP_PG_BINDIR:-}" ]; then
    # (explicit return values: a bare `return` inside an EXIT trap returns the pre-trap status)
    if [ -x "$S2CAP_PG_BINDIR/initdb" ] && [ -x "$S2CAP_PG_BINDIR/pg_ctl" ]; then echo "$S2CAP_PG_BINDIR"; return 0; fi
    return 1
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  fi
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

# Runs a command as the cluster's owner: `nobody` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
  # (not console.log: where FORCE_COLOR is set, as in a Playwright worker, it colours the number)
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(s.address().port+String.fromCharCode(10));s.close()})"
}

stop_cluster() {
  local dir="$1" bindir
  [ -n "$dir" ] || die "stop needs the cluster folder (argument or S2CAP_TEST_PG_DIR)"
  [ -f "$dir/.s2cap-test-cluster" ] || die "$dir is not a test cluster folder (no .s2cap-test-cluster marker)"
  bindir="$(find_bindir)" || die "no PostgreSQL binaries found"
  if [ -f "$dir/data/postmaster.pid" ]; then
    (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1) || {
      # pg_ctl could not stop it (folder half removed?): end the postmaster by its recorded pid.
      local pid; pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
      [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null || true
    }
  fi
  rm -rf "$dir"
}

cmd="${1:-}"
case "$cmd" in
  start)
    watch_pid=""
    if [ "${2:-}" = "--watch" ]; then watch_pid="${3:?--watch needs a pid}"; fi
    bindir="$(find_bindir)" || not_installed
    dir="$(mktemp -d "${S2CAP_PG_TMPDIR:-${TMPDIR:-/tmp}}/s2cap-pg-XXXXXX")"
    touch "$dir/.s2cap-test-cluster"
    # Whatever goes wrong from here on, leave no server or folder behind.
    trap 'stop_cluster "$dir" >/dev/null 2>&1 || true' EXIT
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    chmod 700 "$dir"
    as_owner test -w "$dir" || die "the server's user cannot write $dir (a parent folder closed to it? set TMPDIR=/tmp)"
    cd "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
      --no-sync --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    started=""
    for _ in 1 2 3 4 5; do
      port="$(free_port)"
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
        started=1; break
      fi
      # Another process took the port between choosing and binding: choose again.
    done
    [ -n "$started" ] || { tail -n 20 "$dir/server.log" >&2 || true; die "pg_ctl start failed"; }
    trap - EXIT
    if [ -n "$watch_pid" ]; then
      script="$(readlink -f "$0")"
      setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done; [ -d "$2" ] && "$3" stop "$2"' \
        watch "$watch_pid" "$dir" "$script" </dev/null >/dev/null 2>&1 &
    fi
    echo "S2CAP_TEST_PG_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "S2CAP_TEST_PG_DIR=$dir"
    ;;
  stop)
    stop_cluster "${2:-${S2CAP_TEST_PG_DIR:-}}"
    ;;
  bindir)
    find_bindir || not_installed
    ;;
  *)
    echo "usage: $0 start [--watch PID] | stop [DIR] | bindir" >&2
    exit 2
    ;;
esac
