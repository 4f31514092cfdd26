#!/usr/bin/env bash
# key-bench.sh: what key-service's crypto costs, next to gpg doing the same on the same machine in the same run.
#
#   1. key provisioning latency (POST /api/keys with an unlock token, one request at a time): RSA-3072 with the key
#      cache pool WARM and with it disabled, and Ed25519;
#   2. unlock throughput: Argon2id unwraps/s (in-process and POST /api/keys/unlock) vs gpg decrypting with a
#      passphrase-protected key, the agent's passphrase cache off;
#   3. session-key decryption ops/s, X25519 (ECDH Cv25519) and RSA-3072: SessionKeyDecryptor.decrypt in-process and
#      POST /api/keys/internal/session-keys vs `gpg --show-session-key --decrypt` of the same messages (raw, and net of
#      a no-op gpg call).
#
# Usage (from anywhere; as root on a fresh Debian it installs gnupg, curl and mariadb-server):
#   bash bench/key-bench.sh        # ~5-6 minutes; writes bench/results/key-<date>.md and prints it
# Knobs (environment):
#   BENCH_BASE_PORT        base port of the local stack (default: a free one from 21000..39900, other engineers'
#                          stacks may run on this machine); the benchmark's warm key-service: base+985
#   BENCH_POOL_SIZE        key cache size for the warm run (140: the warm run then leaves it above a quarter)
#   BENCH_POOL_GENERATORS  generator threads of the warm key-service (1, the default of guard.key-cache)
#   BENCH_WARM_SAMPLES / BENCH_COLD_SAMPLES / BENCH_ED25519_SAMPLES   provisioning samples (100 / 30 / 100)
#   BENCH_USERS            bench users the provisioning requests rotate over (40)
#   BENCH_SECONDS          measured seconds per throughput run (5); BENCH_WARMUP: warm-up seconds of the in-process runs (4)
#   BENCH_GPG_SECONDS      measured seconds per gpg loop (5)
#   BENCH_SERVICE_WARMUP   seconds of requests that warm each key-service up while the pool fills (10)
#   BENCH_INLINE_WARMUP    RSA-2048 keys the pooled key-service generates inline first, warming up (JIT) the
#                          certification and storing paths the warm run measures (150)
#   BENCH_POOL_FILL_TIMEOUT  the longest to wait for the pool to fill (300 s; then it measures anyway and says so)
#   BENCH_IDLE_WAIT        the longest to wait for a quieter machine before measuring (30 s)
#   BENCH_KEEP             set: keep the temporary directory (logs of the services, KeyBench, gpg) after a good run
#   BENCH_RESULTS          where the Markdown goes (bench/results/key-<date>.md; the raw figures next to it, .properties)
#   JAVA_HOME              a JDK >= 21 (else the newest one under /usr/lib/jvm)
#
# It starts, in a private temporary directory, the local stack (guard up, 1 replica, the key cache disabled through the
# environment guard up passes on to the services), a second key-service with the pool enabled (the stack's
# environment plus GUARD_KEY_CACHE_*), and two gpg-agents (private GNUPGHOMEs); it stops exactly those on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
BASE="${BENCH_BASE_PORT:-}"
POOL_SIZE="${BENCH_POOL_SIZE:-140}"
POOL_GENERATORS="${BENCH_POOL_GENERATORS:-1}"
WARM_SAMPLES="${BENCH_WARM_SAMPLES:-100}"
COLD_SAMPLES="${BENCH_COLD_SAMPLES:-30}"
ED_SAMPLES="${BENCH_ED25519_SAMPLES:-100}"
USERS="${BENCH_USERS:-40}"
RUN_SECONDS="${BENCH_SECONDS:-5}"
WARMUP="${BENCH_WARMUP:-4}"
GPG_SECONDS="${BENCH_GPG_SECONDS:-5}"
SERVICE_WARMUP="${BENCH_SERVICE_WARMUP:-10}"
INLINE_WARMUP="${BENCH_INLINE_WARMUP:-150}"
POOL_FILL_TIMEOUT="${BENCH_POOL_FILL_TIMEOUT:-300}"
IDLE_WAIT="${BENCH_IDLE_WAIT:-30}"
DATE="$(date +%F)"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results/key-$DATE.md}"
WARM_WARMUP_SAMPLES=5

SK_EMAIL="kb-session-keys@example.com"

WORK="$(mktemp -d /tmp/key-bench.XXXXXX)"
STATE="$WORK/state"
KEYS="$WORK/keys"
PROPS="$WORK/results.properties"
STARTED_PIDS=()
GNUPG_HOMES=()
STACK_UP=0
KS_WARM_PID=""


cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  release_gnupg_and_stack
  finish_work "$rc"
  exit "$rc"
}
bench_traps

# ------------------------------------------------------------------------------ prerequisites

KB_CP=""
compile_bench() {
  local ks="$APP/key-service/target/quarkus-app"
  KB_CP="$WORK/kb-classes:$ks/app/*:$ks/lib/main/*"
  mkdir -p "$WORK/kb-classes"
  "$JAVA_HOME/bin/javac" --release 21 -Xlint:all,-path -Werror -d "$WORK/kb-classes" -cp "$KB_CP" \
    "$ROOT/bench/key-bench/KeyBench.java" >"$WORK/javac.log" 2>&1 || { cat "$WORK/javac.log" >&2; die "KeyBench does not compile"; }
}

# KeyBench MODE [--opt value]...: the Java half; its figures go to $PROPS, its chatter to the terminal.
# The in-process mode runs with a pre-touched heap: on this kind of VM a JVM that does not pre-touch runs Argon2 at
# either ~20 or ~45 ms per hash for its whole life, at random (7 of 16 plain JVMs were slow, 0 of 5 pre-touched:
# see PERFORMANCE.md), which would make the in-process figures a coin toss.
kb() {
  local mode=$1; shift
  local jvm=(-Xmx512m)
  [[ "$mode" == local ]] && jvm=(-Xms512m -Xmx512m -XX:+AlwaysPreTouch)
  "$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$KB_CP" KeyBench "$mode" "$@" --out "$PROPS" 2>>"$WORK/kb.stderr" \
    || { tail -30 "$WORK/kb.stderr" >&2; die "KeyBench $mode failed"; }
}

# The ports of a stack at base B (see StackPorts / guard up --help) and the benchmark's own.
layout_ports() { echo $(($1 + 9)) $(($1 + 80)) $(($1 + 81)) $(($1 + 82)) $(($1 + 83)) $(($1 + 985)) $(($1 + 3222)) $(($1 + 5306)); }

# ---------------------------------------------------------------------------------- accounting

# The benchmark's long-lived processes: the stack's, the warm key-service, the gpg-agents.
our_pids() {
  local pids="" home pid
  [[ -f "$STATE/stack.properties" ]] && pids="$(sed -n 's/^process\.[^.]*\.pid=//p' "$STATE/stack.properties" | tr '\n' ' ')"
  [[ -n "$KS_WARM_PID" ]] && kill -0 "$KS_WARM_PID" 2>/dev/null && pids="$pids $KS_WARM_PID"
  for home in "${GNUPG_HOMES[@]}"; do
    pid="$(gpg-connect-agent --homedir "$home" --no-autostart 'GETINFO pid' /bye 2>/dev/null | awk '$1 == "D" {print $2}')"
    [[ -n "$pid" ]] && pids="$pids $pid"
  done
  echo "$pids"
}

PHASES=""
P_PIDS="" P_M0=0 P_O0=0 P_T0=""
phase_begin() {
  P_PIDS="$(our_pids)"
  # shellcheck disable=SC2086
  P_M0="$(machine_busy_ticks)"; P_O0="$(cpu_ticks $P_PIDS)"; times >"$WORK/times.0"; P_T0=$EPOCHREALTIME
}
phase_end() { # NAME: records how long the phase took and how much CPU processes not ours used meanwhile
  local name=$1 m1 o1 t1 c0 c1 secs
  # shellcheck disable=SC2086
  m1="$(machine_busy_ticks)"; o1="$(cpu_ticks $P_PIDS)"; times >"$WORK/times.1"; t1=$EPOCHREALTIME
  c0="$(children_ticks "$WORK/times.0")"; c1="$(children_ticks "$WORK/times.1")"
  secs="$(awk -v a="$P_T0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  prop "phase.$name.seconds" "$secs"
  prop "phase.$name.foreign_pct" "$(foreign_pct $(( (m1 - P_M0) - (o1 - P_O0) - (c1 - c0) )) "$secs")"
  prop "phase.$name.load" "$(cut -d' ' -f1 /proc/loadavg)"
  PHASES="$PHASES,$name"
  log "phase $name: ${secs}s, other processes $(sed -n "s/^phase\.$name\.foreign_pct=//p" "$PROPS" | tail -1)% of a core"
}

# ------------------------------------------------------------------------------------------ gpg

# gpg_loop OUT SECONDS CMD...: runs CMD again and again for SECONDS; one line per run (µs) in OUT, the window in OUT.win
gpg_loop() {
  local out=$1 secs=$2; shift 2
  local start end t0 t1
  start=${EPOCHREALTIME/./}
  end=$((start + secs * 1000000))
  : >"$out"
  t1=$start
  while :; do
    t0=${EPOCHREALTIME/./}
    [[ $t0 -ge $end ]] && break
    "$@" >/dev/null 2>>"$out.err" || { echo "gpg failed: $* (see $out.err)" >&2; return 1; }
    t1=${EPOCHREALTIME/./}
    echo $((t1 - t0)) >>"$out"
  done
  echo "$start $t1" >"$out.win"
}

# gpg_stats PREFIX LOOPS FILE...: ops/s over the common window, latency percentiles (nearest rank), mean
gpg_stats() {
  local prefix=$1 loops=$2; shift 2
  local first last n
  first="$(cat "${@/%/.win}" | awk 'NR == 1 || $1 < m {m = $1} END {print m}')"
  last="$(cat "${@/%/.win}" | awk '$2 > m {m = $2} END {print m}')"
  n="$(cat "$@" | wc -l)"
  [[ "$n" -gt 0 ]] || die "no gpg run completed for $prefix"
  prop "$prefix.n" "$n"
  prop "$prefix.loops" "$loops"
  prop "$prefix.ops_per_s" "$(awk -v n="$n" -v a="$first" -v b="$last" 'BEGIN { printf "%.4f", n / ((b - a) / 1e6) }')"
  cat "$@" | sort -n | awk -v pre="$prefix" '{ v[NR] = $1; s += $1 } END {
    split("50 90 99", ps, " ")
    for (i = 1; i <= 3; i++) { k = int(ps[i] / 100 * NR); if (k < ps[i] / 100 * NR) k++; if (k < 1) k = 1
      printf "%s.p%s_ms=%.4f\n", pre, ps[i], v[k] / 1000 }
    printf "%s.min_ms=%.4f\n%s.max_ms=%.4f\n%s.mean_ms=%.4f\n", pre, v[1] / 1000, pre, v[NR] / 1000, pre, s / NR / 1000 }' >>"$PROPS"
}

NPROC="$(nproc)"
# gpg_bench NAME CMD...: a few unmeasured runs, then one loop, then NPROC loops at once
gpg_bench() {
  local name=$1; shift
  local i pids=() files=()
  for i in 1 2 3; do "$@" >/dev/null 2>&1 || die "gpg failed: $*"; done
  log "gpg $name: 1 loop, ${GPG_SECONDS}s"
  gpg_loop "$WORK/gpg.$name.t1" "$GPG_SECONDS" "$@"
  gpg_stats "gpg.$name.t1" 1 "$WORK/gpg.$name.t1"
  log "gpg $name: $NPROC loops at once, ${GPG_SECONDS}s"
  for i in $(seq 1 "$NPROC"); do
    gpg_loop "$WORK/gpg.$name.tN.$i" "$GPG_SECONDS" "$@" &
    pids+=($!); files+=("$WORK/gpg.$name.tN.$i")
  done
  for i in "${pids[@]}"; do wait "$i" || die "a gpg loop failed ($name)"; done
  gpg_stats "gpg.$name.tN" "$NPROC" "${files[@]}"
  log "gpg $name: $(sed -n "s/^gpg\.$name\.t1\.ops_per_s=//p" "$PROPS") /s (1 loop), $(sed -n "s/^gpg\.$name\.tN\.ops_per_s=//p" "$PROPS") /s ($NPROC loops)"
}

# ======================================================================================= main

RUN_START="$(date -u '+%F %T')"
RUN_T0=$SECONDS
find_jdk javac
export PATH="$JAVA_HOME/bin:$PATH"
ensure_packages gpg:gnupg curl:curl mariadbd:mariadb-server
ensure_built
snapshot_build
compile_bench
[[ $((WARM_SAMPLES + WARM_WARMUP_SAMPLES)) -le "$POOL_SIZE" ]] \
  || die "BENCH_WARM_SAMPLES ($WARM_SAMPLES) + $WARM_WARMUP_SAMPLES warm-up claims exceed BENCH_POOL_SIZE ($POOL_SIZE)"
pick_base
KS0=$((BASE + 81))
KS_WARM_PORT=$((BASE + 985))

prop run.date "$DATE"
prop run.start "$RUN_START"
prop run.git "$(git_rev)"
prop machine.cpu "$(machine_cpu)"
prop machine.nproc "$NPROC"
prop machine.memory "$(machine_memory)"
prop machine.kernel "$(uname -r)"
prop machine.os "$(machine_os)"
prop machine.jdk "$(jdk_version)"
prop machine.gpg "$(gpg --version | sed -n 1p)"
prop machine.libgcrypt "$(gpg --version | sed -n 2p)"
prop machine.load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
prop config.pool_size "$POOL_SIZE"
prop config.warm_warmup_claims "$WARM_WARMUP_SAMPLES"
prop config.inline_warmup "$INLINE_WARMUP"
prop config.pool_generators "$POOL_GENERATORS"
prop config.local_warmup "$WARMUP"
prop setup.users "$USERS"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); JDK $JAVA_HOME"

# ------------------------------------------------------------------- keys, messages, gpg homes
mkdir -p "$KEYS"
log "keys as key-service makes them (ed25519 and rsa3072 profiles), and a passphrase-protected one for gpg"
kb prepare --dir "$KEYS" --email "$SK_EMAIL" >/dev/null
head -c 768 /dev/urandom | base64 >"$KEYS/plain.txt"   # ~1 KiB of text

GU="$WORK/gnupg-plain"   # the two keys, unprotected
GP="$WORK/gnupg-pass"    # the protected key; the agent keeps no passphrase
mkdir -m 700 "$GU" "$GP"
GNUPG_HOMES=("$GU" "$GP")
printf 'default-cache-ttl 0\nmax-cache-ttl 0\nallow-loopback-pinentry\n' >"$GP/gpg-agent.conf"
gpg --homedir "$GU" --batch -q --import "$KEYS/x25519.asc" "$KEYS/rsa3072.asc" 2>>"$WORK/gpg-setup.log"
gpg --homedir "$GP" --batch -q --pinentry-mode loopback --passphrase-file "$KEYS/x25519-protected.pass" \
  --import "$KEYS/x25519-protected.asc" 2>>"$WORK/gpg-setup.log"
fpr() { gpg --with-colons --import-options show-only --import "$1" 2>/dev/null | awk -F: '/^fpr/ && !n {print $10; n = 1}'; }
for alg in x25519 rsa3072; do
  gpg --homedir "$GU" --batch -q --yes --trust-model always -r "$(fpr "$KEYS/$alg.asc")" -o "$KEYS/$alg.msg" -e "$KEYS/plain.txt"
done
gpg --homedir "$GP" --batch -q --yes --trust-model always -r "$(fpr "$KEYS/x25519-protected.asc")" -o "$KEYS/protected.msg" \
  -e "$KEYS/plain.txt"
prop gpg.x25519.message_bytes "$(stat -c %s "$KEYS/x25519.msg")"
prop gpg.rsa3072.message_bytes "$(stat -c %s "$KEYS/rsa3072.msg")"
prop gpg.protected.message_bytes "$(stat -c %s "$KEYS/protected.msg")"
for alg in x25519 rsa3072; do
  gpg --homedir "$GU" --batch -q --show-session-key -d "$KEYS/$alg.msg" 2>&1 >/dev/null \
    | sed -n "s/^gpg: session key: '\(.*\)'$/\1/p" >"$KEYS/$alg.sk-gpg"
  [[ -s "$KEYS/$alg.sk-gpg" ]] || die "gpg shows no session key for $alg.msg"
done
gpg --homedir "$GP" --batch -q --pinentry-mode loopback --passphrase-file "$KEYS/x25519-protected.pass" \
  -d "$KEYS/protected.msg" 2>/dev/null | cmp -s - "$KEYS/plain.txt" || die "gpg cannot decrypt with the protected key"
prop gpg.agent.s2k_count "$(gpg-connect-agent --homedir "$GP" 'GETINFO s2k_count' /bye | awk '$1 == "D" {print $2}')"

# ------------------------------------------------------------------------------------ the stack
layout_free "$BASE" || die "a port of the stack's layout at base $BASE was taken meanwhile: $(layout_ports "$BASE")"
log "starting the local stack (1 replica, key cache disabled, base port $BASE, state $STATE)"
STACK_UP=1
# guard up hands its own environment on to every process it starts: this is how a setting reaches the services.
if ! GUARD_KEY_CACHE_ENABLED=false guard_cli up --replicas 1 --state-dir "$STATE" --base-port "$BASE" >"$WORK/guard-up.log" 2>&1; then
  cat "$WORK/guard-up.log" >&2
  die "guard up failed"
fi
grep -E '^all ready' "$WORK/guard-up.log" >&2 || true
KS0_PID="$(stack_prop 'process\.key-service-0\.pid')"
[[ "$(stack_prop 'process\.key-service-0\.port')" == "$KS0" ]] || die "the stack's key-service is not on port $KS0: see $STATE/stack.properties"
MASTER="$(tr '\0' '\n' <"/proc/$KS0_PID/environ" | sed -n 's/^GUARD_MASTER_KEY_FILE=//p')"
[[ -r "$MASTER" ]] || die "cannot read the stack's oxguardpass ($MASTER)"
KS0_LOG="$STATE/$(stack_prop 'process\.key-service-0\.log')"
grep -q 'key cache disabled' "$KS0_LOG" 2>/dev/null || log "WARNING: the stack's key-service did not log 'key cache disabled' ($KS0_LOG)"

# The warm key-service: the stack's key-service environment (database, Infinispan, master key: read from /proc, never
# printed) on its own port, with a pool of POOL_SIZE RSA-3072 keys. It fills the pool while the users are set up.
log "starting a key-service with the key cache on (rsa3072 x $POOL_SIZE, $POOL_GENERATORS generator thread(s)) on port $KS_WARM_PORT"
mapfile -t KS_ENV < <(tr '\0' '\n' <"/proc/$KS0_PID/environ" | grep -E '^(QUARKUS_|GUARD_MASTER_KEY_FILE=)' \
  | grep -vE '^QUARKUS_HTTP_PORT=')
KS_HEAP="$(tr '\0' '\n' <"/proc/$KS0_PID/cmdline" | grep -E '^-Xmx' | sed -n 1p)"
env -i PATH="$PATH" HOME="${HOME:-/root}" "${KS_ENV[@]}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$KS_WARM_PORT" \
  GUARD_KEY_CACHE_ENABLED=true GUARD_KEY_CACHE_PROFILES=rsa3072 GUARD_KEY_CACHE_SIZE="$POOL_SIZE" \
  GUARD_KEY_CACHE_GENERATOR_THREADS="$POOL_GENERATORS" \
  "$JAVA_HOME/bin/java" "${KS_HEAP:--Xmx384m}" -XX:+ExitOnOutOfMemoryError \
  -jar "$APP/key-service/target/quarkus-app/quarkus-run.jar" >"$WORK/ks-warm.log" 2>&1 &
KS_WARM_PID=$!
STARTED_PIDS+=("$KS_WARM_PID")
POOL_T0=$SECONDS
wait_http "http://127.0.0.1:$KS_WARM_PORT/q/health/ready" 200 90 || { tail -30 "$WORK/ks-warm.log" >&2; die "warm key-service not ready"; }

# Everything before the measurements runs while the pool fills, and warms both key-services up (JIT) on the measured
# paths: a fresh JVM would otherwise put its compilation into the first phase's figures.
log "setting up $USERS bench users + 8 for warm-ups (Guard password, first key, unlock token) and the session-key user"
kb setup --url "http://127.0.0.1:$KS_WARM_PORT" --master "$MASTER" --users "$USERS" --warmup-users 8 --dir "$KEYS" \
  --email "$SK_EMAIL" --state "$WORK/users.properties" >/dev/null
kb warmup --url "http://127.0.0.1:$KS_WARM_PORT" --master "$MASTER" --state "$WORK/users.properties" --dir "$KEYS" \
  --seconds "$SERVICE_WARMUP" --rsa 30 --rsa-inline "$INLINE_WARMUP" >/dev/null
kb warmup --url "http://127.0.0.1:$KS0" --master "$MASTER" --state "$WORK/users.properties" --dir "$KEYS" \
  --seconds "$SERVICE_WARMUP" >/dev/null

pool_size() {
  # awk reads everything (an early exit would make curl fail with a broken pipe)
  { curl -s --max-time 5 "http://127.0.0.1:$KS_WARM_PORT/q/metrics" || true; } \
    | awk '/^guard_key_cache_size\{/ && /profile="rsa3072"/ && !n {printf "%d", $2; n = 1}'
}
log "waiting for the pool to fill ($POOL_SIZE keys, at most ${POOL_FILL_TIMEOUT}s)"
last_report=0
while :; do
  n="$(pool_size)"; n="${n:-0}"
  [[ "$n" -ge "$POOL_SIZE" ]] && break
  if [[ $((SECONDS - POOL_T0)) -ge "$POOL_FILL_TIMEOUT" ]]; then
    log "WARNING: the pool holds $n of $POOL_SIZE keys after ${POOL_FILL_TIMEOUT}s: measuring anyway"
    break
  fi
  if [[ $((SECONDS - last_report)) -ge 15 ]]; then log "pool: $n/$POOL_SIZE"; last_report=$SECONDS; fi
  sleep 1
done
prop pool.fill_seconds $((SECONDS - POOL_T0))
log "pool: $(pool_size)/$POOL_SIZE after $((SECONDS - POOL_T0))s"

wait_for_quiet http machine.foreign_before_http
KS_WARM="http://127.0.0.1:$KS_WARM_PORT"
KSC="http://127.0.0.1:$KS0"

log "provisioning, pool warm: $WARM_SAMPLES x rsa3072"
phase_begin
kb provision --url "$KS_WARM" --master "$MASTER" --state "$WORK/users.properties" --profile rsa3072 --label warm \
  --samples "$WARM_SAMPLES" --warmup-samples "$WARM_WARMUP_SAMPLES" --user-offset 0
phase_end provision-warm
# Stopped now: its refill (one RSA key after another, for every claim) would otherwise run through the next phases.
stop_pid "$KS_WARM_PID"
KS_WARM_PID=""

log "provisioning, pool disabled: $COLD_SAMPLES x rsa3072"
phase_begin
kb provision --url "$KSC" --master "$MASTER" --state "$WORK/users.properties" --profile rsa3072 --label empty \
  --samples "$COLD_SAMPLES" --warmup-samples 2 --user-offset 7
phase_end provision-empty

log "provisioning: $ED_SAMPLES x ed25519"
phase_begin
kb provision --url "$KSC" --master "$MASTER" --state "$WORK/users.properties" --profile ed25519 --label ed25519 \
  --samples "$ED_SAMPLES" --warmup-samples 5 --user-offset 13
phase_end provision-ed25519

log "unlock over HTTP: POST /api/keys/unlock"
phase_begin
kb unlock-http --url "$KSC" --master "$MASTER" --state "$WORK/users.properties" --threads "$NPROC" \
  --warmup 2 --seconds "$RUN_SECONDS"
phase_end unlock-http

log "session keys over HTTP: POST /api/keys/internal/session-keys"
phase_begin
kb session-http --url "$KSC" --master "$MASTER" --state "$WORK/users.properties" --dir "$KEYS" --threads $((NPROC * 2)) \
  --warmup 2 --seconds "$RUN_SECONDS"
phase_end session-http

log "stopping the stack"
[[ -n "${BENCH_KEEP:-}" ]] && cp -a "$STATE/logs" "$WORK/stack-logs"
stack_down || die "guard down failed"
STACK_UP=0

# ------------------------------------------------------------------------- in-process, then gpg
wait_for_quiet local machine.foreign_before_local
log "in-process: Argon2id unwrap and SessionKeyDecryptor.decrypt (1 and $NPROC threads)"
phase_begin
kb local --dir "$KEYS" --threads "$NPROC" --warmup "$WARMUP" --seconds "$RUN_SECONDS"
phase_end local

for alg in x25519 rsa3072; do
  cmp -s "$KEYS/$alg.sk-gpg" "$KEYS/$alg.sk-local" || die "$alg: gpg and SessionKeyDecryptor disagree on the session key"
done
prop check.session_keys "gpg and SessionKeyDecryptor agree on both messages; the HTTP endpoint answered that key on every request"

log "gpg (${GPG_SECONDS}s per loop)"
phase_begin
gpg_bench version gpg --version
gpg_bench noop gpg --homedir "$GU" --batch -q --list-only -d "$KEYS/x25519.msg"
gpg_bench x25519 gpg --homedir "$GU" --batch -q --show-session-key -d "$KEYS/x25519.msg"
gpg_bench rsa3072 gpg --homedir "$GU" --batch -q --show-session-key -d "$KEYS/rsa3072.msg"
gpg_bench protected gpg --homedir "$GP" --batch -q --pinentry-mode loopback --passphrase-file "$KEYS/x25519-protected.pass" \
  --show-session-key -d "$KEYS/protected.msg"
phase_end gpg

# ---------------------------------------------------------------------------------- the report
prop machine.other_java "$(other_java)"
prop machine.load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
prop run.end "$(date -u '+%F %T')"
prop run.seconds $((SECONDS - RUN_T0))
prop phases "${PHASES#,}"

mkdir -p "$(dirname "$RESULTS")"
kb report --md "$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
grep -vE '^(user|sk)\.' "$PROPS" | sort >"${RESULTS%.md}.properties"

echo
cat "$RESULTS"
echo
log "written to $RESULTS (raw figures: ${RESULTS%.md}.properties) in $((SECONDS - RUN_T0))s"
exit 0
