#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the replica/pooler tests (docs/deployment.md):
#   primary   127.0.0.1:$PRIMARY_PORT  (initdb, wal_level=replica, pg_stat_statements)
#   replica   127.0.0.1:$REPLICA_PORT  (pg_basebackup -R: a streaming hot standby)
#   pgbouncer 127.0.0.1:$BOUNCER_PORT  (transaction pooling in front of the primary)
#
#   .ci/cluster.sh start   # creates everything under $RAVAO_CLUSTER_DIR, writes $RAVAO_CLUSTER_DIR/env
#   .ci/cluster.sh stop    # stops the three servers and deletes the directory
#   .ci/cluster.sh status
#
# Debian's PostgreSQL binaries run as the postgres user (initdb refuses root). The machine's own
# cluster (5432) is never touched. pgbouncer is installed with apt when missing.
set -euo pipefail

DIR=${RAVAO_CLUSTER_DIR:-/tmp/ravao-cluster}
PRIMARY_PORT=${RAVAO_CLUSTER_PRIMARY_PORT:-55432}
REPLICA_PORT=${RAVAO_CLUSTER_REPLICA_PORT:-55433}
BOUNCER_PORT=${RAVAO_CLUSTER_BOUNCER_PORT:-56432}
DB=${RAVAO_CLUSTER_DB:-ravao_cluster}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

start() {
  if [ -e "$DIR" ]; then echo "cluster: $DIR exists (run '$0 stop' first)" >&2; exit 1; fi
  if ! command -v pgbouncer >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  fi
  mkdir -p "$DIR" && chown postgres:postgres "$DIR" && chmod 700 "$DIR"
  local t0=$SECONDS

  as_pg "$PGBIN/initdb" -D "$DIR/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$DIR/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$DIR'
max_connections = 100
shared_buffers = 128MB
fsync = on
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
# The replica tells the primary which rows its queries still read: long tracing queries there
# are not cancelled by vacuum on the primary.
hot_standby_feedback = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
log_min_messages = warning
EOF
  as_pg "$PGBIN/pg_ctl" -D "$DIR/primary" -l "$DIR/primary.log" -w start >/dev/null
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -q -d postgres \
    -c "CREATE EXTENSION pg_stat_statements" -c "CREATE DATABASE $DB"

  # The replica: a base backup of the primary that streams from it (-R writes primary_conninfo
  # and standby.signal). Its own port, in the same postgresql.conf it copied.
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR/replica" -R -X stream -c fast
  printf "port = %s\n" "$REPLICA_PORT" | as_pg tee -a "$DIR/replica/postgresql.conf" >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$DIR/replica" -l "$DIR/replica.log" -w start >/dev/null

  # pgbouncer in transaction mode; every database name goes to the primary. ravao_prep is a
  # separate two-connection pool for the test that shows what server-side prepared statements
  # do through it.
  as_pg tee "$DIR/pgbouncer.ini" >/dev/null <<EOF
[databases]
ravao_prep = host=127.0.0.1 port=$PRIMARY_PORT dbname=postgres pool_size=2
* = host=127.0.0.1 port=$PRIMARY_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir = $DIR
auth_type = trust
auth_file = $DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
server_lifetime = 3600
# After a failed server log-in (the primary died) retry after 1 s, not 15: a failover to a
# promoted replica is then seen within a second of the repointing (bench/failover_drill.py).
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,options
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
EOF
  echo '"postgres" ""' | as_pg tee "$DIR/userlist.txt" >/dev/null
  as_pg pgbouncer -d -q "$DIR/pgbouncer.ini"
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p "$BOUNCER_PORT" && break; sleep 0.1; done

  cat >"$DIR/env" <<EOF
# Written by .ci/cluster.sh: the application through pgbouncer, the replica direct.
export DATABASE_URL=postgres://postgres@127.0.0.1:$BOUNCER_PORT/$DB
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB
export RAVAO_DB_POOLED=1
export RAVAO_CLUSTER_DIR=$DIR
export RAVAO_CLUSTER_PGBIN=$PGBIN
export RAVAO_CLUSTER_PRIMARY=postgres://postgres@127.0.0.1:$PRIMARY_PORT/postgres
export RAVAO_CLUSTER_REPLICA=postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres
export RAVAO_CLUSTER_BOUNCER=postgres://postgres@127.0.0.1:$BOUNCER_PORT/ravao_prep
EOF
  echo "cluster: primary :$PRIMARY_PORT, replica :$REPLICA_PORT (streaming), pgbouncer $(pgbouncer --version | head -1 | awk '{print $2}') :$BOUNCER_PORT — up in $((SECONDS - t0)) s; source $DIR/env"
}

stop() {
  [ -e "$DIR" ] || return 0
  if [ -f "$DIR/pgbouncer.pid" ]; then kill "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null || true; fi
  for node in replica primary; do
    if [ -f "$DIR/$node/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$DIR/$node" -m immediate -w stop >/dev/null || true; fi
  done
  rm -rf "$DIR"
  echo "cluster: stopped and removed $DIR"
}

status() {
  for port in "$PRIMARY_PORT" "$REPLICA_PORT" "$BOUNCER_PORT"; do
    printf "%s: " "$port"; pg_isready -h 127.0.0.1 -p "$port" || true
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
