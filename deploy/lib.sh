# Shell functions shared by deploy/dev/up, deploy/dev/down and the test harness. Source it.

RJ_PACKAGES="cmake g++ make pkg-config libfcgi-dev libcgicc-dev libmysqlcppconn-dev rapidjson-dev
libgtest-dev libssl-dev libcurl4-openssl-dev mariadb-server mariadb-client lighttpd spawn-fcgi curl
procps apache2 libapache2-mod-fcgid nginx tzdata"
# tzdata: the IANA zone files (/usr/share/zoneinfo) recurring schedules read their time zones from.

rj_log() { printf '%s\n' "$*" >&2; }

# Installs whatever of the given Debian packages is missing (all of RJ_PACKAGES by default).
rj_install_packages() {
  local wanted="${*:-$RJ_PACKAGES}" missing="" package
  for package in $wanted; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $package"
  done
  [ -z "$missing" ] && return 0
  rj_log "installing:$missing"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

rj_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process of a PID file (TERM, then KILL after 10 s) and removes the file.
rj_stop_pidfile() {
  rj_pid_alive "$1" || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

# A front end of deploy/dev/up and deploy/cluster/up: lighttpd with every handler (restarted when
# it runs), answering on 127.0.0.1:PORT, with its state in DIR and the handlers' settings in
# CONFIG, and the reference runner with RUNNER_TOKEN when it is built and not running yet.
# usage: rj_front_end_start ROOT BUILD DIR PORT DOCROOT CONFIG RUNNER_TOKEN
rj_front_end_start() {
  local root="$1" build="$2" dir="$3" port="$4" docroot="$5" config="$6" runner_token="$7"
  mkdir -p "$dir/log" "$dir/run"
  "$root/deploy/lighttpd/generate-conf" "$build/handlers" "$build/bin/rjadmin" "$dir" "$port" \
    "$docroot" "$config" >"$dir/lighttpd.conf"
  if rj_pid_alive "$dir/lighttpd.pid"; then
    kill "$(cat "$dir/lighttpd.pid")"
    for _ in $(seq 1 50); do rj_pid_alive "$dir/lighttpd.pid" || break; sleep 0.1; done
  fi
  lighttpd -tt -f "$dir/lighttpd.conf" >/dev/null
  lighttpd -f "$dir/lighttpd.conf"
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  # The reference runner, once it exists, runs the demo job types. A short stop grace keeps a
  # stop within the 10 s the down scripts wait, release included.
  if [ -x "$build/bin/rj-runner" ] && [ -f "$root/deploy/dev/runner.conf" ] &&
    ! rj_pid_alive "$dir/rj-runner.pid"; then
    RJ_RUNNER_GRACE_SECONDS="${RJ_RUNNER_GRACE_SECONDS:-5}" RJ_URL="http://127.0.0.1:$port" \
    RJ_RUNNER_TOKEN="$runner_token" RJ_RUNNER_CONFIG="$root/deploy/dev/runner.conf" \
      nohup "$build/bin/rj-runner" >"$dir/log/rj-runner.log" 2>&1 &
    echo $! >"$dir/rj-runner.pid"
  fi
}

# Starts a private MariaDB with its datadir and socket under DIR (no TCP port, no system service).
rj_mariadb_start() {
  mkdir -p "$1"
  local dir
  dir="$(cd "$1" && pwd)"
  if rj_pid_alive "$dir/mariadb.pid"; then return 0; fi
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --user="$(id -un)" --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; return 1; }
  fi
  mariadbd --no-defaults --user="$(id -un)" --datadir="$dir/data" --socket="$dir/mariadb.sock" \
    --skip-networking --skip-log-bin --pid-file="$dir/mariadb.pid" --log-error="$dir/mariadb.err" \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --max-connections=2000 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &
  local i
  for i in $(seq 1 300); do
    mariadb --no-defaults -uroot --socket="$dir/mariadb.sock" -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  rj_log "MariaDB did not start; see $dir/mariadb.err"
  return 1
}

rj_mariadb_stop() {
  local dir="$1"
  rj_pid_alive "$dir/mariadb.pid" || return 0
  local pid
  pid=$(cat "$dir/mariadb.pid")
  kill "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# Runs SQL as the private server's root.
rj_mariadb_root() { mariadb --no-defaults -uroot --socket="$1/mariadb.sock" "${@:2}"; }

# Creates database NAME and a password-protected user of the same name with rights on it only.
rj_mariadb_create_database() {
  local dir="$1" name="$2" password="$3"
  rj_mariadb_root "$dir" -e "CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER IF NOT EXISTS '$name'@'localhost' IDENTIFIED BY '$password';
    ALTER USER '$name'@'localhost' IDENTIFIED BY '$password';
    GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES ON \`$name\`.* TO '$name'@'localhost';"
}
