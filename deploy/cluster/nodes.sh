# Shell functions for the 3-node Galera cluster of deploy/cluster/up (and the test harness, which
# stops and restarts single nodes). Source it after deploy/lib.sh.
#
# Node N (1..3) lives in CLUSTER_DIR/nodeN; its ports are BASE+10N (SQL), +1 (group
# communication), +2 (incremental state transfer), +3 (full state transfer), all on 127.0.0.1.

RJ_CLUSTER_PACKAGES="galera-4 mariadb-backup socat"

rj_cluster_sql_port() { echo $(($1 + 10 * $2)); }

# True while PID runs. A killed node whose parent is gone stays a zombie (kill -0 succeeds) under
# an init that does not reap, as in some containers; a zombie has ended.
rj_cluster_process_running() {
  kill -0 "$1" 2>/dev/null && ! awk '{ exit !($3 == "Z") }' "/proc/$1/stat" 2>/dev/null
}

rj_cluster_node_running() { # DIR NODE
  [ -f "$1/node$2/mariadb.pid" ] && rj_cluster_process_running "$(cat "$1/node$2/mariadb.pid")"
}

# Writes CLUSTER_DIR/nodeN/my.cnf. A file rather than flags: the state transfer scripts the
# server runs read their settings from the server's defaults file.
rj_cluster_node_config() {
  local dir="$1" base="$2" node="$3" peers="" n
  for n in 1 2 3; do peers="$peers${peers:+,}127.0.0.1:$((base + 10 * n + 1))"; done
  local port=$((base + 10 * node)) here="$dir/node$node"
  mkdir -p "$here"
  cat >"$here/my.cnf" <<CNF
[mysqld]
user=$(id -un)
datadir=$here/data
socket=$here/mariadb.sock
port=$port
bind-address=127.0.0.1
pid-file=$here/mariadb.pid
log-error=$here/mariadb.err
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb-buffer-pool-size=96M
innodb-log-file-size=32M
innodb-flush-log-at-trx-commit=2
max-connections=1000
# What Galera needs: row-based replication, interleaved auto-increment locks.
binlog-format=ROW
innodb-autoinc-lock-mode=2
default-storage-engine=InnoDB
wsrep-on=ON
wsrep-provider=/usr/lib/galera/libgalera_smm.so
wsrep-cluster-name=runner-jobs
wsrep-cluster-address=gcomm://$peers
wsrep-node-name=node$node
wsrep-node-address=127.0.0.1:$((port + 1))
wsrep-node-incoming-address=127.0.0.1:$port
wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$((port + 1));ist.recv_addr=127.0.0.1:$((port + 2));gcache.size=128M;evs.keepalive_period=PT1S;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S"
wsrep-sst-receive-address=127.0.0.1:$((port + 3))
wsrep-sst-method=mariabackup
wsrep-sst-auth=root:
wsrep-slave-threads=2
# Conflicts between nodes are written to mariadb.err with both statements.
wsrep-log-conflicts=ON

[mariadb-backup]
socket=$here/mariadb.sock
CNF
}

rj_cluster_root() { # DIR NODE SQL-ARGS...
  mariadb --no-defaults -uroot --socket="$1/node$2/mariadb.sock" "${@:3}"
}

# Starts node N in the background; "bootstrap" as a third argument starts a new cluster from it.
rj_cluster_node_start() {
  local dir="$1" node="$2" here="$1/node$2"
  rj_cluster_node_running "$dir" "$node" && return 0
  local flags=""
  if [ "${3:-}" = bootstrap ]; then
    flags="--wsrep-new-cluster"
    # The last node stopped marks itself safe to bootstrap; after a crash none is, and this
    # development cluster starts from node 1 anyway.
    [ -f "$here/data/grastate.dat" ] &&
      sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$here/data/grastate.dat"
  fi
  # After a crash the node does not know its last position (grastate.dat says seqno -1) and
  # takes a full copy from a donor (mariabackup, 15-20 s here). The packaged service first runs
  # mariadbd --wsrep-recover to find the position for an incremental transfer; here that
  # recovery took from a second to several minutes, so the copy is the predictable way.
  echo "$(date -u +%FT%T) starting node $node $flags" >>"$here/mariadbd.out"
  mariadbd --defaults-file="$here/my.cnf" $flags >>"$here/mariadbd.out" 2>&1 &
}

# Waits until node N answers and has joined the cluster (wsrep_local_state_comment Synced).
rj_cluster_node_wait_synced() {
  local dir="$1" node="$2" seconds="${3:-120}" state=""
  for _ in $(seq 1 $((seconds * 5))); do
    state=$(rj_cluster_root "$dir" "$node" -N -e \
      "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2) || true
    [ "$state" = Synced ] && return 0
    sleep 0.2
  done
  rj_log "node $node is not Synced after $seconds s (state '$state'); see $dir/node$node/mariadb.err"
  return 1
}

rj_cluster_cluster_size() { # DIR NODE
  rj_cluster_root "$1" "$2" -N -e "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2
}

# Stops node N; "kill" as a third argument kills it at once (kill -9), as a crash would.
rj_cluster_node_stop() {
  local here="$1/node$2"
  rj_cluster_node_running "$1" "$2" || return 0
  local pid
  pid=$(cat "$here/mariadb.pid")
  if [ "${3:-}" = kill ]; then
    kill -9 "$pid"
  else
    kill "$pid"
  fi
  for _ in $(seq 1 600); do
    rj_cluster_process_running "$pid" || { rm -f "$here/mariadb.pid"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$here/mariadb.pid"
}
