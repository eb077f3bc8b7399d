# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the tests, unless
# PORTAL_TEST_POSTGRES_URL already names a server. Sourced by scripts/test.
# PostgreSQL refuses to run as root, so the cluster belongs to the postgres user.

start_test_postgres() {
  if [ -n "${PORTAL_TEST_POSTGRES_URL:-}" ]; then
    log "using PostgreSQL at PORTAL_TEST_POSTGRES_URL"
    return 0
  fi
  local bin port
  # The first free port from 55432: a cluster left by another run must not stop this one.
  for port in $(seq 55432 55532); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || die "PostgreSQL is not installed (scripts/install-test-tools installs it); the store's PostgreSQL tests cannot run"
  PG_DIR=$(mktemp -d /tmp/portal-pg.XXXXXX)
  local run=(); [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; die "initdb failed"; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -o "-k $PG_DIR -p $port -c listen_addresses=127.0.0.1 -c fsync=off" -l "$PG_DIR/log" -w start >/dev/null \
    || { cat "$PG_DIR/log"; die "PostgreSQL did not start"; }
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop)
  export PORTAL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "throwaway PostgreSQL cluster on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
