#!/usr/bin/env bash
# gateway-bench.sh: requests/s and p50/p99 latency of one small request
#   a. straight to one key-service replica,
#   b. through HAProxy (Debian package) with cookie-hash affinity over the same two replicas,
#   c. through the Guard gateway (public route, no session: apples to apples with b),
#   d. through the Guard gateway, authenticated (session cache in Infinispan + internal identity),
#   e. as d, through a second gateway with tracing on: every request sampled, its spans scrubbed and
#      exported over OTLP/HTTP to tests/otlp_sink.py --discard (what tracing costs the busiest service),
#   f. as e, sampling one trace in ten (QUARKUS_OTEL_TRACES_SAMPLER_ARG=0.1),
# with the same load generator (wrk) and the same load, in one run, on 127.0.0.1 only.
#
# Usage (from anywhere; as root on a fresh Debian it installs haproxy, wrk, curl, mariadb-server):
#   bench/gateway-bench.sh
# Knobs (environment):
#   BENCH_BASE_PORT   base port of the local stack and the benchmark's own ports   (23000)
#   BENCH_DURATION    measured seconds per variant                                  (20)
#   BENCH_WARMUP      warm-up seconds per variant (same load, not measured)         (5)
#   BENCH_THREADS / BENCH_CONNECTIONS   wrk's -t / -c for the saturation runs       (2 / 32)
#   BENCH_LIGHT_DURATION  seconds of the light-load runs (1 connection); 0 skips    (10)
#   BENCH_RESULTS     where the Markdown result goes     (bench/results/gateway-<date>.md)
#   BENCH_PATH        the public request (a path under /pks/ that key-service answers with its 404)
#   BENCH_GATEWAY_OPTS  extra JVM options for the benchmark's gateway
#   BENCH_GATEWAY_APP   another gateway build (a quarkus-app directory) for the benchmark's gateway,
#                       e.g. an older commit's, to compare builds in one run of the same stack
#   JAVA_HOME         a JDK >= 21 (else the newest one under /usr/lib/jvm)
#
# It starts the local stack (guard up --replicas 2) in a private state directory, the groupware
# emulator if the stack has none, a dedicated gateway (same environment as the stack's, plus
# GUARD_GATEWAY_RATE_LIMIT_DIRECTORY_PER_ADDRESS=0) and HAProxy, and stops exactly those on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
BASE="${BENCH_BASE_PORT:-23000}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-5}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
LIGHT_DURATION="${BENCH_LIGHT_DURATION:-10}"
DATE="$(date +%F)"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results/gateway-$DATE.md}"

# Ports: the stack's (see StackPorts: gateway base+80, key-service base+81, replica i +100·i,
# MariaDB base+5306, Infinispan base+3222) plus three of our own in a gap of that layout.
KS0=$((BASE + 81))
KS1=$((BASE + 181))
EMU_PORT=$((BASE + 909))
GW_PORT=$((BASE + 990))
HAPROXY_PORT=$((BASE + 991))
# Extra JVM options for the benchmark's gateway, to try a setting (e.g. -Dquarkus.vertx.event-loops-pool-size=2).
GATEWAY_OPTS="${BENCH_GATEWAY_OPTS:-}"
HAPROXY_STATS_PORT=$((BASE + 992))
GW_TRACED_PORT=$((BASE + 993))
GW_SAMPLED_PORT=$((BASE + 994))

# A path under the public /pks/ route that key-service answers with its own ~130-byte problem+json 404,
# without touching the database: the proxies' cost is what is measured. (Since the HKP directory
# (fda287b), /pks/lookup?op=get&search=... is a MariaDB query per request, which caps even the direct
# run at ~20 k req/s on 2 cores and would measure MariaDB instead; the earlier runs' request, before
# the directory existed, got exactly this 404.)
PATH_PUBLIC="${BENCH_PATH:-/pks/gateway-bench}"
GATEWAY_APP_ALT="${BENCH_GATEWAY_APP:-}"
AFFINITY='JSESSIONID=bench-affinity-0001'

WORK="$(mktemp -d /tmp/gateway-bench.XXXXXX)"
STATE="$WORK/state"
STARTED_PIDS=()
STACK_UP=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid" 50; done
  if [[ -f "$WORK/haproxy.pid" ]]; then
    pid="$(cat "$WORK/haproxy.pid")"
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
  fi
  [[ "$STACK_UP" == 1 ]] && stack_down
  if [[ $rc -ne 0 && -d "$WORK" ]]; then
    log "exit code $rc; logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
bench_traps

# ------------------------------------------------------------------------------ prerequisites

# snapshot_build (lib.sh) copies what runs; the benchmark's gateway runs the copy, or BENCH_GATEWAY_APP's build.
snapshot_gateway() {
  GATEWAY_APP="$APP/gateway/target/quarkus-app"
  if [[ -n "$GATEWAY_APP_ALT" ]]; then
    [[ -f "$GATEWAY_APP_ALT/quarkus-run.jar" ]] || die "BENCH_GATEWAY_APP=$GATEWAY_APP_ALT has no quarkus-run.jar"
    cp -a "$GATEWAY_APP_ALT" "$WORK/gateway-alt"
    GATEWAY_APP="$WORK/gateway-alt"
  fi
}

# ---------------------------------------------------------------------------------- measuring

OUR_PIDS="" # every long-lived process the benchmark started (set once all run)

to_ms() { # "520.00us" | "1.23ms" | "2.00s" -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
    printf "%.3f", n }'
}

# run_wrk NAME URL THREADS CONNECTIONS SECONDS WARMUP CPU_PIDS -- [wrk header args...]
# Writes $WORK/NAME.wrk and sets R_RPS R_P50 R_P99 R_NON2XX R_SOCKERR R_TOTAL, R_CPU_US (CPU of CPU_PIDS
# per request, µs) and R_FOREIGN (CPU used meanwhile by processes that are not the benchmark's, % of a core).
run_wrk() {
  local name=$1 url=$2 t=$3 c=$4 secs=$5 warm=$6 cpu_pids=$7
  shift 8
  if [[ "$warm" -gt 0 ]]; then
    wrk -t"$t" -c"$c" -d"${warm}s" --timeout 5s "$@" "$url" >/dev/null 2>&1 || true
  fi
  local before after m0 m1 o0 o1 w0 w1
  # shellcheck disable=SC2086
  before="$(cpu_ticks $cpu_pids)"; m0="$(machine_busy_ticks)"; o0="$(cpu_ticks $OUR_PIDS)"; times >"$WORK/times.0"
  # shellcheck disable=SC2086
  local k0 i0 k1 i1; k0="$(cpu_ticks $KS_PIDS)"; i0="$(cpu_ticks $ISPN_PID)"
  local t0=$SECONDS
  wrk -t"$t" -c"$c" -d"${secs}s" --timeout 5s --latency "$@" "$url" >"$WORK/$name.wrk" 2>&1 \
    || { cat "$WORK/$name.wrk" >&2; die "wrk failed for $name"; }
  # shellcheck disable=SC2086
  after="$(cpu_ticks $cpu_pids)"; m1="$(machine_busy_ticks)"; o1="$(cpu_ticks $OUR_PIDS)"; times >"$WORK/times.1"
  # shellcheck disable=SC2086
  k1="$(cpu_ticks $KS_PIDS)"; i1="$(cpu_ticks $ISPN_PID)"
  w0="$(children_ticks "$WORK/times.0")"; w1="$(children_ticks "$WORK/times.1")"
  local elapsed=$((SECONDS - t0)); [[ $elapsed -gt 0 ]] || elapsed=1
  local out="$WORK/$name.wrk"
  R_RPS="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"
  R_P50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")"
  R_P99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")"
  R_NON2XX="$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")"; R_NON2XX="${R_NON2XX:-0}"
  R_SOCKERR="$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")"; R_SOCKERR="${R_SOCKERR:-0}"
  R_TOTAL="$(awk '/requests in/ {print $1}' "$out")"
  [[ -n "$R_RPS" && -n "$R_TOTAL" ]] || { cat "$out" >&2; die "could not read wrk's output for $name"; }
  R_CPU_US="$(awk -v d=$((after - before)) -v hz="$CLK_TCK" -v n="$R_TOTAL" 'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "-" }')"
  R_ALL_US="$(awk -v d=$(( (o1 - o0) + (w1 - w0) )) -v hz="$CLK_TCK" -v n="$R_TOTAL" 'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "-" }')"
  per_req() { awk -v d="$1" -v hz="$CLK_TCK" -v n="$R_TOTAL" 'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "-" }'; }
  R_BREAKDOWN="$(per_req $((w1 - w0))) | $(per_req $((after - before))) | $(per_req $((k1 - k0))) | $(per_req $((i1 - i0))) | $(per_req $(( (o1 - o0) - (after - before) - (k1 - k0) - (i1 - i0) )))"
  R_FOREIGN="$(foreign_pct $(( (m1 - m0) - (o1 - o0) - (w1 - w0) )) "$elapsed")"
  log "$(printf '%-8s %7s req/s  p50 %7s ms  p99 %8s ms  non-2xx/3xx %7s  sock.err %s  CPU/req proxy %4s µs, all %4s µs  others %3s%%' \
    "$name" "$R_RPS" "$R_P50" "$R_P99" "$R_NON2XX" "$R_SOCKERR" "$R_CPU_US" "$R_ALL_US" "$R_FOREIGN")"
}

# ======================================================================================= main

find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
# The haproxy package's own service is not wanted, only the binary.
ensure_packages haproxy:haproxy wrk:wrk curl:curl mariadbd:mariadb-server
ensure_built -DskipTests
snapshot_build
snapshot_gateway
HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"

for p in "$EMU_PORT" "$GW_PORT" "$HAPROXY_PORT" "$HAPROXY_STATS_PORT" "$GW_TRACED_PORT" "$GW_SAMPLED_PORT"; do
  port_free "$p" || die "port $p is in use: choose another BENCH_BASE_PORT"
done

log "starting the local stack (2 replicas, base port $BASE, state $STATE)"
STACK_UP=1
if ! guard_cli up --replicas 2 --state-dir "$STATE" --base-port "$BASE" >"$WORK/guard-up.log" 2>&1; then
  cat "$WORK/guard-up.log" >&2
  die "guard up failed"
fi
grep -E '^(key-service|gateway)-|^all ready' "$WORK/guard-up.log" >&2 || true

STACK_GW_PID="$(stack_prop 'process\.gateway-0\.pid')"
KS0_PID="$(stack_prop 'process\.key-service-0\.pid')"
KS1_PID="$(stack_prop 'process\.key-service-1\.pid')"
KS_PIDS="$KS0_PID $KS1_PID"
ISPN_PID="$(stack_prop 'process\.infinispan\.pid')"
[[ "$(stack_prop 'process\.key-service-0\.port')" == "$KS0" && "$(stack_prop 'process\.key-service-1\.port')" == "$KS1" ]] \
  || die "the stack's key-service ports are not $KS0/$KS1 (StackPorts changed?): see $STATE/stack.properties"

# The groupware emulator: the stack's if it runs one, else our own.
EMU_NAME="$(sed -n 's/^process\.\([a-z0-9-]*emulator[a-z0-9-]*\)\.port=.*/\1/p' "$STATE/stack.properties" | sed -n 1p)"
if [[ -n "$EMU_NAME" ]]; then
  EMU_PORT="$(stack_prop "process\\.$EMU_NAME\\.port")"
  log "using the stack's groupware emulator $EMU_NAME on port $EMU_PORT"
else
  log "the stack runs no groupware emulator: starting one on port $EMU_PORT"
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$EMU_PORT" \
    "$JAVA_HOME/bin/java" -Xmx256m -jar "$APP/groupware-emulator/target/quarkus-app/quarkus-run.jar" \
    >"$WORK/emulator.log" 2>&1 &
  STARTED_PIDS+=($!)
fi
EMU="http://127.0.0.1:$EMU_PORT"

# A dedicated gateway: the stack's gateway-0 environment (database, Infinispan, master key: read
# from /proc, never printed), on its own port, with every key-service replica, the emulator as
# backend and the per-address directory rate limit off (wrk is one address doing 10k+ lookups/s).
log "starting a dedicated gateway on port $GW_PORT (directory rate limit off)"
mapfile -t GW_ENV < <(tr '\0' '\n' <"/proc/$STACK_GW_PID/environ" | grep -E '^(QUARKUS_|GUARD_MASTER_KEY_FILE=)' \
  | grep -vE '^QUARKUS_HTTP_PORT=')
[[ ${#GW_ENV[@]} -gt 0 ]] || die "could not read the stack's gateway environment (pid $STACK_GW_PID)"
# start_gateway PORT NAME [VAR=VALUE...]: a benchmark gateway with that environment on top; sets STARTED_GW_PID.
start_gateway() {
  local port=$1 name=$2
  shift 2
  env -i PATH="$PATH" HOME="${HOME:-/root}" "${GW_ENV[@]}" \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    GUARD_GATEWAY_SERVICES_KEY_SERVICE_URLS="http://127.0.0.1:$KS0,http://127.0.0.1:$KS1" \
    GUARD_GATEWAY_SERVICES_MAIL_SERVICE_URLS="http://127.0.0.1:$((BASE + 82)),http://127.0.0.1:$((BASE + 182))" \
    GUARD_GATEWAY_SERVICES_FILESTORE_SERVICE_URLS="http://127.0.0.1:$((BASE + 83)),http://127.0.0.1:$((BASE + 183))" \
    GUARD_GATEWAY_BACKEND_URL="$EMU/appsuite/api" \
    GUARD_GATEWAY_RATE_LIMIT_DIRECTORY_PER_ADDRESS=0 \
    "$@" \
    "$JAVA_HOME/bin/java" -Xmx512m -XX:+ExitOnOutOfMemoryError "-Xlog:gc:file=$WORK/$name-gc.log" $GATEWAY_OPTS \
    -jar "$GATEWAY_APP/quarkus-run.jar" \
    >"$WORK/$name.log" 2>&1 &
  STARTED_GW_PID=$!
  STARTED_PIDS+=("$STARTED_GW_PID")
}
start_gateway "$GW_PORT" gateway
GW_PID=$STARTED_GW_PID

# The same gateway with tracing on, as in production: every request sampled (ratio 1.0), or one in ten,
# spans scrubbed and exported in batches over OTLP/HTTP to a sink on this machine that only counts what it
# gets (a real collector runs elsewhere; decoding here would take CPU from what is measured).
TRACES="$WORK/traces"; mkdir -p "$TRACES"
python3 "$ROOT/tests/otlp_sink.py" "$TRACES" --discard & STARTED_PIDS+=($!)
for _ in $(seq 50); do [[ -f "$TRACES/port" ]] && break; sleep 0.1; done
[[ -f "$TRACES/port" ]] || die "the OTLP sink did not start"
log "starting a second gateway on port $GW_TRACED_PORT with tracing on (OTLP sink on port $(cat "$TRACES/port"))"
start_gateway "$GW_TRACED_PORT" gateway-traced QUARKUS_OTEL_SDK_DISABLED=false \
  QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:$(cat "$TRACES/port")" \
  QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf
GW_TRACED_PID=$STARTED_GW_PID
log "starting a third gateway on port $GW_SAMPLED_PORT with tracing on, one trace in ten sampled"
start_gateway "$GW_SAMPLED_PORT" gateway-sampled QUARKUS_OTEL_SDK_DISABLED=false \
  QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:$(cat "$TRACES/port")" \
  QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf QUARKUS_OTEL_TRACES_SAMPLER_ARG=0.1
GW_SAMPLED_PID=$STARTED_GW_PID

# HAProxy: same two replicas, cookie-hash affinity, the gateway's health checks (GET /q/health/ready
# every 1 s, 800 ms timeout, down after 1 failure, up after 1 success: GatewayConfig.HealthCheck), and the
# same header work (X-Forwarded-*, the gateway's security response headers). A stats page on its own
# port tells afterwards which replica served and how often a check failed.
cat >"$WORK/haproxy.cfg" <<EOF
global
    nbthread 2
    maxconn 4096

defaults
    mode http
    option http-keep-alive
    timeout connect 1s
    timeout client 30s
    timeout server 60s
    timeout http-keep-alive 30s
    timeout check 800ms

frontend guard_bench
    bind 127.0.0.1:$HAPROXY_PORT
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-response set-header X-Content-Type-Options nosniff
    http-response set-header X-Frame-Options DENY
    http-response set-header Referrer-Policy no-referrer
    http-response set-header Content-Security-Policy "default-src 'none'; frame-ancestors 'none'"
    default_backend key_service

backend key_service
    balance hash req.cook(JSESSIONID)
    hash-type consistent
    option httpchk GET /q/health/ready
    http-check expect status 200
    server ks0 127.0.0.1:$KS0 check inter 1s fall 1 rise 1
    server ks1 127.0.0.1:$KS1 check inter 1s fall 1 rise 1

listen stats
    bind 127.0.0.1:$HAPROXY_STATS_PORT
    stats enable
    stats uri /stats
EOF
"$HAPROXY" -c -q -f "$WORK/haproxy.cfg" || die "haproxy rejects its configuration ($WORK/haproxy.cfg)"
log "starting HAProxy on port $HAPROXY_PORT"
"$HAPROXY" -D -f "$WORK/haproxy.cfg" -p "$WORK/haproxy.pid" >"$WORK/haproxy.log" 2>&1 || die "haproxy did not start"
HAPROXY_PID="$(cat "$WORK/haproxy.pid")"

wait_http "$EMU/q/health/ready" 200 60 || { tail -30 "$WORK/emulator.log" >&2; die "emulator not ready"; }
wait_http "http://127.0.0.1:$GW_PORT/q/health/ready" 200 60 || { tail -30 "$WORK/gateway.log" >&2; die "gateway not ready"; }
for name_port in "gateway-traced:$GW_TRACED_PORT" "gateway-sampled:$GW_SAMPLED_PORT"; do
  wait_http "http://127.0.0.1:${name_port#*:}/q/health/ready" 200 60 \
    || { tail -30 "$WORK/${name_port%%:*}.log" >&2; die "${name_port%%:*} is not ready"; }
done
for url in "http://127.0.0.1:$KS0" "http://127.0.0.1:$HAPROXY_PORT" "http://127.0.0.1:$GW_PORT" "http://127.0.0.1:$GW_TRACED_PORT" \
    "http://127.0.0.1:$GW_SAMPLED_PORT"; do
  # Health checks need a second or two to mark the replicas up in both proxies.
  wait_http "$url$PATH_PUBLIC" 404 30 || die "$url$PATH_PUBLIC does not answer the expected 404"
done

# Log in once at the emulator; the gateway validates the session (backend once, then Infinispan).
log "logging in alice at the emulator"
LOGIN="$(curl -s --max-time 10 -c "$WORK/cookies" -A bench \
  -d 'name=alice&password=secret-alice&client=open-xchange-appsuite' "$EMU/appsuite/api/login?action=login")"
SESSION="$(sed -n 's/.*"session":"\([^"]*\)".*/\1/p' <<<"$LOGIN")"
[[ -n "$SESSION" ]] || die "login at the emulator failed: $LOGIN"
COOKIES="$(awk -F'\t' 'NF >= 7 && ($0 !~ /^# / ) {printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' "$WORK/cookies")"
AUTH_URL="http://127.0.0.1:$GW_PORT/api/keys/version?session=$SESSION"
code="$(curl -s -o "$WORK/version.json" -w '%{http_code}' --max-time 10 -A bench -H "Cookie: $COOKIES" "$AUTH_URL")"
[[ "$code" == 200 ]] || die "authenticated request through the gateway answered $code: $(cat "$WORK/version.json")"
log "authenticated probe: $(cat "$WORK/version.json")"
AUTH_URL_TRACED="http://127.0.0.1:$GW_TRACED_PORT/api/keys/version?session=$SESSION"
AUTH_URL_SAMPLED="http://127.0.0.1:$GW_SAMPLED_PORT/api/keys/version?session=$SESSION"
for url in "$AUTH_URL_TRACED" "$AUTH_URL_SAMPLED"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -A bench -H "Cookie: $COOKIES" "$url")"
  [[ "$code" == 200 ]] || die "authenticated request through a tracing gateway answered $code"
done

# Every process of ours, to tell the benchmark's CPU use from the machine's other tenants'.
OUR_PIDS="$(sed -n 's/^process\.[^.]*\.pid=//p' "$STATE/stack.properties" | tr '\n' ' ') ${STARTED_PIDS[*]} $HAPROXY_PID"
LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
RUNS_BEGAN="$(date +%T)"

# ------------------------------------------------------------------------------------ the runs
declare -A RPS P50 P99 NON2XX SOCKERR TOTAL CPU ALLCPU FOREIGN BREAKDOWN
measure() { # KEY URL T C SECONDS WARMUP CPU_PIDS -- headers...
  local key=$1
  run_wrk "$@"
  RPS[$key]=$R_RPS; P50[$key]=$R_P50; P99[$key]=$R_P99; NON2XX[$key]=$R_NON2XX
  SOCKERR[$key]=$R_SOCKERR; TOTAL[$key]=$R_TOTAL; CPU[$key]=$R_CPU_US; ALLCPU[$key]=$R_ALL_US; FOREIGN[$key]=$R_FOREIGN; BREAKDOWN[$key]=$R_BREAKDOWN
}

PUB_HDR=(-H "Cookie: $AFFINITY" -H 'User-Agent: bench')
AUTH_HDR=(-H "Cookie: $COOKIES" -H 'User-Agent: bench')

# The numbers only mean something on an otherwise idle machine: wait a little for one (a shared
# machine's build, say), then go on regardless and let the report show how busy it was.
IDLE_WAIT="${BENCH_IDLE_WAIT:-60}"
# shellcheck disable=SC2086
FOREIGN_BEFORE="$(quiet_load "$IDLE_WAIT" $OUR_PIDS)"
log "CPU used by other processes before the runs: ${FOREIGN_BEFORE}% of a core"

# JIT warm-up of all JVMs on every path before anything is measured (the per-run warm-up follows).
log "warm-up: ${WARMUP_ALL:=${BENCH_WARMUP_ALL:-8}}s per variant"
for url in "http://127.0.0.1:$KS0$PATH_PUBLIC" "http://127.0.0.1:$HAPROXY_PORT$PATH_PUBLIC" "http://127.0.0.1:$GW_PORT$PATH_PUBLIC"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_ALL}s" --timeout 5s "${PUB_HDR[@]}" "$url" >/dev/null 2>&1 || true
done
for url in "$AUTH_URL" "$AUTH_URL_TRACED" "$AUTH_URL_SAMPLED"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_ALL}s" --timeout 5s "${AUTH_HDR[@]}" "$url" >/dev/null 2>&1 || true
done

LOADS=("sat")
[[ "$LIGHT_DURATION" -gt 0 ]] && LOADS+=("light")
for load in "${LOADS[@]}"; do
  if [[ $load == sat ]]; then t=$THREADS; c=$CONNECTIONS; d=$DURATION; w=$WARMUP
  else t=1; c=1; d=$LIGHT_DURATION; w=2; fi
  log "load '$load': wrk -t$t -c$c -d${d}s (warm-up ${w}s) per variant"
  measure "a.$load" "http://127.0.0.1:$KS0$PATH_PUBLIC" "$t" "$c" "$d" "$w" "" -- "${PUB_HDR[@]}"
  measure "b.$load" "http://127.0.0.1:$HAPROXY_PORT$PATH_PUBLIC" "$t" "$c" "$d" "$w" "$HAPROXY_PID" -- "${PUB_HDR[@]}"
  measure "c.$load" "http://127.0.0.1:$GW_PORT$PATH_PUBLIC" "$t" "$c" "$d" "$w" "$GW_PID" -- "${PUB_HDR[@]}"
  measure "d.$load" "$AUTH_URL" "$t" "$c" "$d" "$w" "$GW_PID" -- "${AUTH_HDR[@]}"
  measure "e.$load" "$AUTH_URL_TRACED" "$t" "$c" "$d" "$w" "$GW_TRACED_PID" -- "${AUTH_HDR[@]}"
  measure "f.$load" "$AUTH_URL_SAMPLED" "$t" "$c" "$d" "$w" "$GW_SAMPLED_PID" -- "${AUTH_HDR[@]}"
  for v in d e f; do
    if [[ "${NON2XX[$v.$load]}" != 0 || "${SOCKERR[$v.$load]}" != 0 ]]; then
      cat "$WORK/$v.$load.wrk" >&2
      die "the authenticated run $v ($load) had ${NON2XX[$v.$load]} non-2xx/3xx responses and ${SOCKERR[$v.$load]} socket errors"
    fi
  done
  for v in a b c; do
    [[ "${SOCKERR[$v.$load]}" == 0 ]] || log "WARNING: variant $v ($load) had ${SOCKERR[$v.$load]} socket errors"
    [[ "${NON2XX[$v.$load]}" == "${TOTAL[$v.$load]}" ]] \
      || log "WARNING: variant $v ($load): ${NON2XX[$v.$load]} of ${TOTAL[$v.$load]} answers were non-2xx/3xx (all should be the 404)"
  done
done

# Health-check trouble during the runs: the gateway's log, HAProxy's stats (CSV: svname 2, stot 8,
# chkfail 22, chkdown 23).
GW_CHECK_FAILS="$(awk -v since="$RUNS_BEGAN" '$2 >= since && /failed its health check/' "$WORK/gateway.log" | wc -l)"
GW_CHECK_DETAIL="$(awk -v since="$RUNS_BEGAN" '$2 >= since && /failed its health check/ {print $2 " " $(NF-5) " " $NF}' "$WORK/gateway.log" \
  | sed -n 1,5p | tr '\n' ';' | sed 's/;$//')"
# The gateway's GC pauses since it started (warm-ups and runs): count, total, longest.
GW_GC="$(awk '/Pause/ && $NF ~ /ms$/ {v = $NF + 0; n++; t += v; if (v > m) m = v}
  END { if (n) printf "%d pauses, %.0f ms in total, longest %.1f ms", n, t, m; else print "no pauses logged" }' "$WORK/gateway-gc.log" 2>/dev/null || true)"
GW_METRICS="$(curl -s --max-time 5 "http://127.0.0.1:$GW_PORT/q/metrics" \
  | awk '/^guard_gateway_(sessions|failovers|rejected)_total/ {sub(/^guard_gateway_/, ""); sub(/_total/, ""); printf "%s%s = %d", (n++ ? ", " : ""), $1, $2}')"
HAPROXY_STATS="$(curl -s --max-time 5 "http://127.0.0.1:$HAPROXY_STATS_PORT/stats;csv" \
  | awk -F, '$1 == "key_service" && $2 ~ /^ks/ {printf "%s%s: %s requests, %s failed checks, %s times down", (n++ ? "; " : ""), $2, $8, $22, $23}')"

# ---------------------------------------------------------------------------------- the report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f ms", a - b }'; }

table() { # load
  local l=$1 v
  echo "| variant | req/s | p50 | p99 | gateway ÷ HAProxy req/s | added p99 vs direct | added p99 vs HAProxy | CPU/request: proxy | CPU/request: all | non-2xx/3xx | other processes' CPU |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for v in a b c d e f; do
    local label gw_ratio="" add_direct="" add_haproxy="" cpu="-"
    case $v in
      a) label="a. direct to key-service-0" ;;
      b) label="b. HAProxy 2.6 (cookie hash)"; add_direct="$(added "${P99[b.$l]}" "${P99[a.$l]}")"; cpu="${CPU[b.$l]} µs" ;;
      c) label="c. gateway, public route"; gw_ratio="$(ratio "${RPS[c.$l]}" "${RPS[b.$l]}")"
         add_direct="$(added "${P99[c.$l]}" "${P99[a.$l]}")"; add_haproxy="$(added "${P99[c.$l]}" "${P99[b.$l]}")"; cpu="${CPU[c.$l]} µs" ;;
      d) label="d. gateway, authenticated (/api/keys/version)"; gw_ratio="($(ratio "${RPS[d.$l]}" "${RPS[b.$l]}"))"
         cpu="${CPU[d.$l]} µs" ;;
      e) label="e. as d, tracing on (all sampled, OTLP export)"; gw_ratio="($(ratio "${RPS[e.$l]}" "${RPS[b.$l]}"))"
         cpu="${CPU[e.$l]} µs" ;;
      f) label="f. as e, one trace in ten sampled"; gw_ratio="($(ratio "${RPS[f.$l]}" "${RPS[b.$l]}"))"
         cpu="${CPU[f.$l]} µs" ;;
    esac
    printf '| %s | %s | %.2f ms | %.2f ms | %s | %s | %s | %s | %s µs | %s of %s | %s%% |\n' "$label" "${RPS[$v.$l]}" "${P50[$v.$l]}" \
      "${P99[$v.$l]}" "${gw_ratio:--}" "${add_direct:--}" "${add_haproxy:--}" "$cpu" "${ALLCPU[$v.$l]}" "${NON2XX[$v.$l]}" "${TOTAL[$v.$l]}" "${FOREIGN[$v.$l]}"
  done
}

verdict() {
  local r add
  r="$(ratio "${RPS[c.sat]}" "${RPS[b.sat]}")"
  add="$(awk -v a="${P99[c.$1]}" -v b="${P99[a.$1]}" 'BEGIN { printf "%.2f", a - b }')"
  echo "- throughput: gateway/HAProxy = $r (target ≥ 0.70): $(awk -v r="$r" 'BEGIN { print (r >= 0.7 ? "**met**" : "**missed**") }')"
  echo "- added p99 vs direct under the '$1' load: $add ms (target ≤ 1 ms): $(awk -v a="$add" 'BEGIN { print (a <= 1 ? "**met**" : "**missed**") }')"
}

sleep 1 # the tracing gateway's last batch
EXPORTS="$(cat "$TRACES/totals" 2>/dev/null || echo '0 0')"
CPU_MODEL="$(machine_cpu)"
JDK_VERSION="$(jdk_version)"
HAPROXY_VERSION="$("$HAPROXY" -v 2>&1 | sed -n 1p)"
WRK_VERSION="$(wrk -v 2>&1 | sed -n '1s/ Copyright.*//p' || true)"
GIT_REV="$(git_rev)"
# shellcheck disable=SC2086
OTHER_JAVA="$(other_java $OUR_PIDS)"

mkdir -p "$(dirname "$RESULTS")"
{
  echo "# Gateway benchmark, $DATE"
  echo
  echo "\`bench/gateway-bench.sh\` at $GIT_REV, $(date -u '+%F %T') UTC. One small request (\`GET $PATH_PUBLIC\`,"
  echo "answered by key-service with a ~130-byte problem+json 404) straight to one key-service replica, through HAProxy with"
  echo "\`balance hash req.cook(JSESSIONID)\` + \`hash-type consistent\` over both replicas, and through the gateway (public"
  echo "route); plus the authenticated \`GET /api/keys/version?session=…\` through the gateway (session cache lookup in"
  echo "Infinispan, internal identity signed by the gateway and verified by key-service; no HAProxy equivalent)."
  echo "Every request carries the same \`JSESSIONID\`, so both proxies pin it to one replica, like the direct run."
  echo
  echo "## Saturation: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (after ${WARMUP}s warm-up each)"
  echo
  table sat
  echo
  echo "CPU per request (µs), by process, in the same runs:"
  echo
  echo "| variant | wrk | proxy | key-service ×2 | Infinispan | rest of the stack |"
  echo "|---|---:|---:|---:|---:|---:|"
  for v in a b c d e f; do echo "| $v | ${BREAKDOWN[$v.sat]} |"; done
  echo
  if [[ " ${LOADS[*]} " == *" light "* ]]; then
    echo "## Light load: wrk -t1 -c1 -d${LIGHT_DURATION}s --latency (one request at a time: latency without queueing)"
    echo
    table light
    echo
  fi
  echo "## What tracing costs (e, f against d: the same request through gateways of one build, tracing or not)"
  echo
  for l in "${LOADS[@]}"; do
    for v in e f; do
      echo "- $l, $v: req/s $v÷d = $(ratio "${RPS[$v.$l]}" "${RPS[d.$l]}"), p50 $(added "${P50[$v.$l]}" "${P50[d.$l]}"), p99 $(added "${P99[$v.$l]}" "${P99[d.$l]}"), gateway CPU/request ${CPU[d.$l]} → ${CPU[$v.$l]} µs"
    done
  done
  echo "- the sink received $EXPORTS (exports, bytes) during the whole benchmark, warm-ups included; it only counts"
  echo "  (key-service ran without tracing: e and f measure the gateway's share, the busiest hop)"
  echo
  echo "## Targets (issue: ≥ 0.7× HAProxy's throughput, ≤ 1 ms added p99)"
  echo
  verdict sat
  [[ " ${LOADS[*]} " == *" light "* ]] && verdict light | tail -1
  echo
  echo "\"CPU/request: proxy\" = user+system CPU time of the proxy process (HAProxy, or the gateway JVM) during the"
  echo "measured run divided by the requests wrk completed; \"all\" = the same for every process of the benchmark"
  echo "(wrk, proxy, key-service, Infinispan, MariaDB, emulator, idle services). Non-2xx/3xx: the 404 is expected"
  echo "for a–c; d, e and f must be 0. The ratio of d, e and f to HAProxy is in parentheses: a different, heavier request."
  echo "\"other processes' CPU\" = CPU time the machine spent on processes that are not the benchmark's (neither wrk nor"
  echo "anything it started) during the run, in % of one core (of $(nproc) × 100 %): above ~10 % the run was disturbed and"
  echo "its numbers are not comparable. Before the runs: ${FOREIGN_BEFORE}%."
  echo
  echo "Health checks during warm-up and runs (both proxies: every 1 s, 800 ms timeout, out after one failure):"
  echo "- gateway: $GW_CHECK_FAILS failed check(s)${GW_CHECK_DETAIL:+ (up to five: $GW_CHECK_DETAIL)}; a failed check moves the"
  echo "  pinned JSESSIONID to the other replica until the next good check"
  echo "- HAProxy: ${HAPROXY_STATS:-no stats}"
  echo
  echo "Gateway counters after all runs (sessions: \"near\" = the gateway's local cache, \"cached\" = Infinispan, \"valid\" ="
  echo "the backend was asked; failovers \"response\" happen when wrk closes connections with requests in flight at the"
  echo "end of a run): ${GW_METRICS:-none}. Gateway GC (-Xmx512m): ${GW_GC:-?}."
  [[ -z "$GATEWAY_OPTS" ]] || echo "The gateway ran with the extra JVM options \`$GATEWAY_OPTS\`."
  [[ -z "$GATEWAY_APP_ALT" ]] || echo "The benchmark's gateway was the build in \`$GATEWAY_APP_ALT\` (BENCH_GATEWAY_APP), not the work tree's."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $CPU_MODEL, nproc $(nproc); load average before the runs: ${LOADAVG_BEFORE:-$(cut -d' ' -f1-3 /proc/loadavg)}"
  echo "- memory: $(machine_memory)"
  echo "- kernel: $(uname -r); $(machine_os)"
  echo "- JDK: $JDK_VERSION ($JAVA_HOME)"
  echo "- $HAPROXY_VERSION; $WRK_VERSION"
  echo "- everything on 127.0.0.1 on the same machine: wrk, the proxy, key-service ×2 and the rest of the local stack"
  echo "  (MariaDB, Infinispan, mail/filestore replicas, the stack's own idle gateways, the emulator) share the cores;"
  echo "  at the end $OTHER_JAVA other java process(es) were running on the machine besides the benchmark's."
  echo
  echo "<details><summary>free -h</summary>"
  echo
  echo '```'
  free -h
  echo '```'
  echo "</details>"
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"

echo
cat "$RESULTS"
echo
log "written to $RESULTS"
exit 0
