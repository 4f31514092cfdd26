# shellcheck shell=bash
# bench/lib.sh: the shell helpers every benchmark script shares. Sourced, not run:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# The script sets ROOT (the work tree), WORK (its private temporary directory) and STATE (the local stack's state
# directory) before it calls the helpers that use them, and defines its own `cleanup` (see bench_traps).
# Nothing here runs on sourcing but CLK_TCK's getconf; the script chooses its own shell options (set -euo pipefail).

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# bench_traps: the script's `cleanup` on exit; failed commands logged with their line; INT/TERM exit with 130/143
# (through cleanup).
bench_traps() {
  trap cleanup EXIT
  trap 'log "command failed (line $LINENO): $BASH_COMMAND"' ERR
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# stop_pid PID [TENTHS]: SIGTERM, up to TENTHS tenths of a second (100) for it to go, then SIGKILL; reaps it if it is
# this shell's child.
stop_pid() {
  local pid=$1 tenths=${2:-100}
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

# stack_down: guard down --purge of the stack in $STATE (stops exactly what guard up started, by PID); says so if it
# fails.
stack_down() {
  guard_cli down --purge --state-dir "$STATE" >"$WORK/guard-down.log" 2>&1 \
    || { log "guard down failed:"; cat "$WORK/guard-down.log" >&2; return 1; }
}

# release_gnupg_and_stack [LOGS_NAME]: for a benchmark's cleanup: stops the gpg-agents of the GNUPG_HOMES it made
# and, if it started the local stack (STACK_UP=1, stack in $STATE), that stack, keeping its logs in
# $WORK/LOGS_NAME (default stack-logs) for finish_work to keep or remove.
release_gnupg_and_stack() {
  local home
  for home in "${GNUPG_HOMES[@]}"; do gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1; done
  if [[ "$STACK_UP" == 1 ]]; then
    [[ -d "$STATE/logs" ]] && cp -RL "$STATE/logs" "$WORK/${1:-stack-logs}" 2>/dev/null
    stack_down
  fi
}

# ------------------------------------------------------------------------------ prerequisites

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# find_jdk [TOOL]: keeps JAVA_HOME if it has bin/TOOL (java, or javac for a script that compiles) and is >= 21,
# else exports the newest JDK >= 21 under /usr/lib/jvm.
find_jdk() {
  local tool=${1:-java}
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/$tool" && "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]]; then
    return
  fi
  local best="" best_major=0 c m
  for c in /usr/lib/jvm/*; do
    [[ -x "$c/bin/javac" ]] || continue
    m="$(java_major "$c/bin/java")"
    if [[ "$m" -ge 21 && "$m" -gt "$best_major" ]]; then best="$c"; best_major="$m"; fi
  done
  [[ -n "$best" ]] || die "no JDK >= 21 (set JAVA_HOME)"
  export JAVA_HOME="$best"
}

# ensure_packages COMMAND:PACKAGE...: installs (as root, with apt) the Debian packages whose command is neither on
# the PATH nor in /usr/sbin, e.g. `ensure_packages gpg:gnupg curl:curl mariadbd:mariadb-server`; else says what to
# install. A package's own service (haproxy's, mariadb's) is not used, only its binary.
ensure_packages() {
  local missing=() spec cmd
  for spec in "$@"; do
    cmd=${spec%%:*}
    command -v "$cmd" >/dev/null 2>&1 || [[ -x "/usr/sbin/$cmd" ]] || missing+=("${spec#*:}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 \
    || die "missing packages: ${missing[*]} (apt-get install -y ${missing[*]})"
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_built [MAVEN_OPTION...]: builds the project (./mvnw -B -q $BUILD_GOAL, install unless the script sets BUILD_GOAL
# (package builds every jar a run needs without touching ~/.m2), by default with -Dmaven.test.skip) if a service, the
# emulator, the servers classpath or the CLI jar is missing; sets CLI_JAR.
CLI_JAR=""
BUILD_GOAL="${BUILD_GOAL:-install}"
ensure_built() {
  local unbuilt=0 m opts=("$@")
  [[ ${#opts[@]} -gt 0 ]] || opts=(-Dmaven.test.skip)
  for m in key-service mail-service filestore-service gateway groupware-emulator; do
    [[ -f "$ROOT/$m/target/quarkus-app/quarkus-run.jar" ]] || unbuilt=1
  done
  [[ -f "$ROOT/servers/target/infinispan-server.classpath" ]] || unbuilt=1
  CLI_JAR="$(ls "$ROOT"/cli/target/guard-cli-*-all.jar 2>/dev/null | sed -n 1p || true)"
  [[ -n "$CLI_JAR" ]] || unbuilt=1
  if [[ $unbuilt == 1 ]]; then
    log "building (./mvnw -B -q $BUILD_GOAL ${opts[*]})"
    (cd "$ROOT" && ./mvnw -B -q "$BUILD_GOAL" "${opts[@]}") >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; die "build failed"; }
    CLI_JAR="$(ls "$ROOT"/cli/target/guard-cli-*-all.jar | sed -n 1p)"
  fi
}

# snapshot_build: a private copy of what runs (services, emulator, servers classpath, CLI) in $WORK/app, used as
# GUARD_HOME: a build in the shared work tree while the benchmark runs (someone's ./mvnw install) must not swap jars
# under the running JVMs, nor the CLI under 'guard down'. Sets APP and points CLI_JAR at the copy.
APP=""
snapshot_build() {
  APP="$WORK/app"
  local m
  for m in key-service mail-service filestore-service gateway groupware-emulator; do
    mkdir -p "$APP/$m/target"
    cp -a "$ROOT/$m/target/quarkus-app" "$APP/$m/target/"
  done
  mkdir -p "$APP/servers" "$APP/cli/target"
  cp -a "$ROOT/servers/target" "$APP/servers/"
  cp -a "$CLI_JAR" "$APP/cli/target/"
  CLI_JAR="$APP/cli/target/$(basename "$CLI_JAR")"
}

# The CLI jar directly, as ./guard does after its checks: ./guard would rebuild whenever any source is newer than the
# jar, which on a shared work tree means a Maven build in the middle of a benchmark.
guard_cli() { GUARD_HOME="$APP" "$JAVA_HOME/bin/java" -jar "$CLI_JAR" "$@"; }

# stack_prop KEY-REGEX: a value of the stack's $STATE/stack.properties, e.g. stack_prop 'process\.gateway-0\.pid'
stack_prop() { sed -n "s/^$1=//p" "$STATE/stack.properties"; }

port_free() { [[ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]; }

# The ports of a stack at base B (see StackPorts / guard up --help): emulator, its SMTP sink, gateway, the three
# services, Infinispan, MariaDB, S3Proxy (kept free also when --storage file does not start it).
stack_layout_ports() {
  echo $(($1 + 9)) $(($1 + 25)) $(($1 + 80)) $(($1 + 81)) $(($1 + 82)) $(($1 + 83)) $(($1 + 3222)) $(($1 + 5306)) \
    $(($1 + 11000))
}

# The run's raw figures: prop KEY VALUE appends to $PROPS; getprop KEY-REGEX reads the last value; g KEY the same
# with KEY taken literally.
prop() { printf '%s=%s\n' "$1" "$2" >>"$PROPS"; }
getprop() { sed -n "s/^$1=//p" "$PROPS" | tail -1; }
g() { getprop "$(sed 's/\./\\./g' <<<"$1")"; }

# json_str NAME FILE: the first string value of NAME in a JSON file (enough for the answers the benchmarks read).
json_str() { { grep -o "\"$1\" *: *\"[^\"]*\"" "$2" || true; } | sed -n '1s/.*: *"\(.*\)"$/\1/p'; }

# wait_for_quiet NAME [PROPERTY]: waits (at most $IDLE_WAIT s) until processes other than the script's our_pids use
# little CPU, and records how much they used as PROPERTY (default phase.NAME.foreign_before_pct).
wait_for_quiet() {
  local f
  # shellcheck disable=SC2046
  f="$(quiet_load "$IDLE_WAIT" $(our_pids))"
  log "CPU used by other processes now: ${f}% of a core"
  prop "${2:-phase.$1.foreign_before_pct}" "$f"
}

# finish_work RC: keeps $WORK (the run's logs) after a failure or with BENCH_KEEP, else removes it.
finish_work() {
  if [[ ( $1 -ne 0 || -n "${BENCH_KEEP:-}" ) && -d "$WORK" ]]; then
    log "exit code $1; logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}

# Ports: the script defines layout_ports BASE, every port a run at that base listens on (the stack's, see StackPorts /
# guard up --help, and the benchmark's own); stack_layout_ports gives the stack's.
layout_free() { local p; for p in $(layout_ports "$1"); do port_free "$p" || return 1; done; }
# pick_base: BASE as given (BENCH_BASE_PORT; all its ports must be free), else a free one from 21000..39900 (other
# engineers' stacks may run on this machine)
pick_base() {
  local b
  if [[ -n "$BASE" ]]; then
    layout_free "$BASE" || die "a port of the layout at BENCH_BASE_PORT=$BASE is in use: $(layout_ports "$BASE")"
    return
  fi
  for _ in $(seq 1 40); do
    b=$(( 21000 + (RANDOM % 190) * 100 ))
    if layout_free "$b"; then BASE=$b; return; fi
  done
  die "found no free base port: set BENCH_BASE_PORT"
}

wait_http() { # url expected-status seconds
  local url=$1 want=$2 secs=$3 code=""
  for _ in $(seq 1 $((secs * 4))); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    [[ "$code" == "$want" ]] && return 0
    sleep 0.25
  done
  log "$url answered ${code:-nothing}, not $want, within ${secs}s"
  return 1
}

# git_rev: the work tree's commit, "(work tree modified)" if anything outside bench/ differs from it
git_rev() {
  local rev
  rev="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(cd "$ROOT" && git status --porcelain -- . ':!bench' 2>/dev/null || true)" ]]; then rev="$rev (work tree modified)"; fi
  echo "$rev"
}

# ---------------------------------------------------------------------------------- accounting

CLK_TCK="$(getconf CLK_TCK)"

# cpu_ticks PID...: user+system clock ticks consumed so far by the processes (all threads)
cpu_ticks() {
  local total=0 pid t
  for pid in "$@"; do
    t="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  echo "$total"
}

# user+nice+system+steal of the whole machine (irq/softirq left out: loopback traffic is accounted there, not to the
# processes that cause it).
machine_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $9; exit}' /proc/stat; }

# children_ticks FILE: CPU of this shell's reaped children (wrk, gpg, curl, KeyBench JVMs) in ticks, from `times`
# output saved in FILE; call as 'times >FILE' in the main shell (a $(...) subshell has children of its own, not ours).
children_ticks() {
  sed -n 2p "$1" | awk -v hz="$CLK_TCK" '{
    t = 0
    for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
    printf "%d", t * hz }'
}

# foreign_pct BUSY_TICKS SECONDS: ticks of machine time over SECONDS in % of one core (0 if negative)
foreign_pct() {
  awk -v d="$1" -v hz="$CLK_TCK" -v s="$2" 'BEGIN { v = d / hz / s * 100; printf "%.0f", (v < 0 ? 0 : v) }'
}

# foreign_load SECONDS PID...: CPU used over SECONDS by processes other than the given ones (the benchmark's), in %
# of one core
foreign_load() {
  local secs=$1 m0 o0 m1 o1
  shift
  m0="$(machine_busy_ticks)"; o0="$(cpu_ticks "$@")"
  sleep "$secs"
  m1="$(machine_busy_ticks)"; o1="$(cpu_ticks "$@")"
  foreign_pct $(( (m1 - m0) - (o1 - o0) )) "$secs"
}

# quiet_load MAX_SECONDS PID...: waits (at most MAX_SECONDS, 3 s at least) until processes other than the given ones
# use at most 15 % of a core, saying so while it waits; prints the last figure. The numbers only mean something on an
# otherwise idle machine (a shared machine's Maven build, say): the scripts wait a little, then go on regardless and
# let the report show how busy the machine was.
quiet_load() {
  local max=$1 f waited=3
  shift
  f="$(foreign_load 3 "$@")"
  while [[ "$f" -gt 15 && $waited -lt $max ]]; do
    log "other processes use ${f}% of a core: waiting for a quieter machine ($waited/${max}s)"
    f="$(foreign_load 5 "$@")"
    waited=$((waited + 5))
  done
  echo "$f"
}

# ------------------------------------------------------------------------------------- machine

machine_cpu() { awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo; }
machine_memory() { free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}'; }
machine_os() { (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"); }
jdk_version() { "$JAVA_HOME/bin/java" -version 2>&1 | sed -n 1p; }

# other_java PID...: how many java processes run on the machine besides the given ones
other_java() {
  local n=0 pid
  for pid in $(pgrep -x java || true); do
    [[ " $* " == *" $pid "* ]] || n=$((n + 1))
  done
  echo "$n"
}
