#!/usr/bin/env bash
# files-bench.sh: upload+encrypt and download+decrypt throughput (MiB/s) of one big file through filestore-service's
# HTTP API (through the gateway, as a user), on the NAS backend and on S3 (S3Proxy), against `gpg -z 0 --encrypt` and
# `gpg --decrypt` of the same file with the same kind of key in the same run; plus filestore-service's peak RSS.
#
# Usage (from anywhere; as root on a fresh Debian it installs gnupg, curl and mariadb-server):
#   bash bench/files-bench.sh      # ~4-5 minutes; writes bench/results/files-<date>.md (+ .properties) and prints it
# Knobs (environment):
#   BENCH_FILE_MIB     size of the file, MiB of random bytes (256)
#   BENCH_RUNS         measured uploads, downloads, gpg encryptions and decryptions each (3)
#   BENCH_WARMUP_MIB   unmeasured uploads + downloads (two) of a file this big first, per stack (256; 0: none)
#   BENCH_BACKENDS     the storage backends, in order ("file s3": a stack for each, one after the other)
#   BENCH_FILE_DIR     where the plaintext file lives (/dev/shm: tmpfs, so reading it costs no disk)
#   BENCH_BASE_PORT    base port of the stacks (default: a free one from 21000..39900, other engineers' stacks may run
#                      on this machine)
#   BENCH_IDLE_WAIT    the longest to wait for a quieter machine before each measured phase (30 s)
#   BENCH_KEEP         set: keep the temporary directory (logs of the stacks, curl, gpg) after a good run
#   BENCH_RESULTS      where the Markdown goes (bench/results/files-<date>.md; the raw figures next to it, .properties)
#   JAVA_HOME          a JDK >= 21 (else the newest one under /usr/lib/jvm)
#
# For each backend it starts the local stack (GUARD_KEY_CACHE_ENABLED=false guard up --replicas 1 --storage <backend>: no
# RSA key pool filling in the background) in a private temporary
# directory, logs alice in at the groupware emulator, creates her first key (Ed25519/Cv25519, the default) through the
# gateway, unlocks it, and measures uploads (curl -T: streamed) and downloads (to /dev/null) through the gateway while
# sampling filestore-service's VmRSS every 50 ms; then stops that stack (guard down --purge). The first stack's key is
# exported (protected with a throw-away passphrase) into a private GnuPG home, where gpg encrypts and decrypts the same
# file. It stops exactly what it started on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
FILE_MIB="${BENCH_FILE_MIB:-256}"
RUNS="${BENCH_RUNS:-3}"
WARMUP_MIB="${BENCH_WARMUP_MIB:-256}"
read -r -a BACKENDS <<<"${BENCH_BACKENDS:-file s3}"
FILE_DIR="${BENCH_FILE_DIR:-/dev/shm}"
BASE="${BENCH_BASE_PORT:-}"
IDLE_WAIT="${BENCH_IDLE_WAIT:-30}"
DATE="$(date +%F)"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results/files-$DATE.md}"
TARGET_RATIO=0.5

WORK="$(mktemp -d /tmp/files-bench.XXXXXX)"
DATA_DIR=""
STATE=""
PROPS="$WORK/results.properties"
GH="$WORK/gnupg"
GNUPG_HOMES=()
STACK_UP=0
SAMPLER_PID=""


cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [[ -n "$SAMPLER_PID" ]] && stop_pid "$SAMPLER_PID" 10
  release_gnupg_and_stack "stack-logs-${STATE##*/state-}"
  [[ -n "$DATA_DIR" && -d "$DATA_DIR" ]] && rm -rf "$DATA_DIR"
  finish_work "$rc"
  exit "$rc"
}
bench_traps

# The stack's ports (bench/lib.sh); this benchmark opens none of its own.
layout_ports() { stack_layout_ports "$1"; }

# ---------------------------------------------------------------------------------- accounting

# The benchmark's long-lived processes: the running stack's and the gpg-agent.
our_pids() {
  local pids="" home pid
  [[ -n "$STATE" && -f "$STATE/stack.properties" ]] \
    && pids="$(sed -n 's/^process\.[^.]*\.pid=//p' "$STATE/stack.properties" | tr '\n' ' ')"
  for home in "${GNUPG_HOMES[@]}"; do
    pid="$(gpg-connect-agent --homedir "$home" --no-autostart 'GETINFO pid' /bye 2>/dev/null | awk '$1 == "D" {print $2}')"
    [[ -n "$pid" ]] && pids="$pids $pid"
  done
  echo "$pids"
}

# phase_begin / phase_end NAME: how long the phase took, how much CPU processes not the benchmark's used meanwhile (the
# benchmark's: the stack, the gpg-agent and this shell's children: curl, gpg, the RSS sampler), and the CPU of
# filestore-service and the gateway (FS_PID, GW_PID, when a stack runs).
P_PIDS="" P_M0=0 P_O0=0 P_T0="" P_FS0=0 P_GW0=0
phase_begin() {
  P_PIDS="$(our_pids)"
  # shellcheck disable=SC2086
  P_M0="$(machine_busy_ticks)"; P_O0="$(cpu_ticks $P_PIDS)"; times >"$WORK/times.0"; P_T0=$EPOCHREALTIME
  P_FS0="$(cpu_ticks ${FS_PID:-})"; P_GW0="$(cpu_ticks ${GW_PID:-})"
}
phase_end() {
  local name=$1 m1 o1 t1 c0 c1 secs fs gw
  # shellcheck disable=SC2086
  m1="$(machine_busy_ticks)"; o1="$(cpu_ticks $P_PIDS)"; times >"$WORK/times.1"; t1=$EPOCHREALTIME
  fs="$(cpu_ticks ${FS_PID:-})"; gw="$(cpu_ticks ${GW_PID:-})"
  c0="$(children_ticks "$WORK/times.0")"; c1="$(children_ticks "$WORK/times.1")"
  secs="$(awk -v a="$P_T0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  prop "phase.$name.seconds" "$secs"
  prop "phase.$name.foreign_pct" "$(foreign_pct $(( (m1 - P_M0) - (o1 - P_O0) - (c1 - c0) )) "$secs")"
  prop "phase.$name.load" "$(cut -d' ' -f1 /proc/loadavg)"
  prop "phase.$name.cpu_clients_s" "$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }')"
  if [[ -n "${FS_PID:-}" ]]; then
    prop "phase.$name.cpu_filestore_s" "$(awk -v d=$((fs - P_FS0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }')"
    prop "phase.$name.cpu_gateway_s" "$(awk -v d=$((gw - P_GW0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }')"
  fi
  log "phase $name: ${secs}s, other processes $(getprop "phase\\.$name\\.foreign_pct")% of a core"
}

# rss_sampler PID OUT: VmRSS (KiB) of PID every 50 ms, the highest so far and the sample count in OUT ("max n"); pure
# bash (no process per sample), so that it costs next to nothing.
rss_sampler() {
  local pid=$1 out=$2 max=0 n=0 k v _ fd
  exec {fd}<> <(:)
  while [[ -r "/proc/$pid/status" ]]; do
    while read -r k v _; do
      if [[ "$k" == VmRSS: ]]; then
        n=$((n + 1))
        [[ "$v" -gt "$max" ]] && max=$v
        break
      fi
    done <"/proc/$pid/status" || true
    printf '%s %s\n' "$max" "$n" >"$out"
    read -r -t 0.05 -u "$fd" _ || true
  done
}
sampler_start() { rss_sampler "$FS_PID" "$1" & SAMPLER_PID=$!; }
sampler_stop() { stop_pid "$SAMPLER_PID" 10; SAMPLER_PID=""; }
vm_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; } # PID VmRSS|VmHWM
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }       # KiB -> MiB

# stats PREFIX MIB_PER_S...: best and median (nearest rank, the lower middle for an even count) and every run's figure
stats() {
  local prefix=$1; shift
  prop "$prefix.runs" "$*"
  printf '%s\n' "$@" | sort -g | awk -v pre="$prefix" '{ v[NR] = $1 } END {
    printf "%s.best_mib_s=%.1f\n%s.median_mib_s=%.1f\n", pre, v[NR], pre, v[int((NR + 1) / 2)] }' >>"$PROPS"
}
mib_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; } # BYTES SECONDS

# ------------------------------------------------------------------------------------- the API

# api METHOD PATH [curl args...]: a request through the gateway as alice; the body in $WORK/api.out, the status printed
api() {
  local method=$1 path=$2; shift 2
  local sep='?'; [[ "$path" == *'?'* ]] && sep='&'
  curl -s -o "$WORK/api.out" -w '%{http_code}' --max-time 60 -A bench -H "Cookie: $COOKIES" -X "$method" "$@" \
    "$GW$path${sep}session=$SESSION"
}
# FIELD FILE: the first "FIELD": "string" (resp. number) of the JSON in FILE (the top-level one in these answers)
json_num() { { grep -o "\"$1\" *: *[0-9][0-9]*" "$2" || true; } | sed -n '1s/.*: *//p'; }

login() {
  local out
  out="$(curl -s --max-time 10 -c "$WORK/cookies" -A bench \
    -d 'name=alice&password=secret-alice&client=open-xchange-appsuite' "$EMU/appsuite/api/login?action=login")"
  SESSION="$(sed -n 's/.*"session":"\([^"]*\)".*/\1/p' <<<"$out")"
  [[ -n "$SESSION" ]] || die "login at the emulator failed: $out"
  COOKIES="$(awk -F'\t' 'NF >= 7 && ($0 !~ /^# / ) {printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' "$WORK/cookies")"
}

# upload FILE NAME: POST /api/files streamed from FILE (curl -T; no Expect: 100-continue round trip); sets UP_ID, UP_SECS
upload() {
  local file=$1 name=$2 w code secs size bytes
  bytes="$(stat -c %s "$file")"
  w="$(curl -s -o "$WORK/upload.json" -w '%{http_code} %{time_total} %{size_upload}' --max-time 900 -A bench \
    -H "Cookie: $COOKIES" -H 'Content-Type: application/octet-stream' -H 'Expect:' -T "$file" -X POST \
    "$GW/api/files?name=$name&session=$SESSION")" || die "upload of $name failed (curl exit $?)"
  read -r code secs size <<<"$w"
  if [[ "$code" == 404 ]] && grep -q 'no resource at this path' "$WORK/upload.json"; then
    die "upload of $name: filestore-service has no POST /api/files (a build older than the files API? rebuild)"
  fi
  [[ "$code" == 201 ]] || die "upload of $name answered $code: $(head -c 500 "$WORK/upload.json")"
  [[ "$size" == "$bytes" ]] || die "curl sent $size of $bytes bytes for $name"
  UP_ID="$(json_str id "$WORK/upload.json")"
  [[ -n "$UP_ID" ]] || die "no id in the upload's answer: $(head -c 500 "$WORK/upload.json")"
  [[ "$(json_num size "$WORK/upload.json")" == "$bytes" ]] || die "the service says size $(json_num size "$WORK/upload.json"), not $bytes"
  [[ "$(json_str form "$WORK/upload.json")" == encrypted ]] || die "the upload's form is not 'encrypted': $(head -c 500 "$WORK/upload.json")"
  UP_SECS=$secs
}

# download ID BYTES [OUT]: GET /api/files/{id}/content (the unlock token in its header) to /dev/null or OUT; sets DL_SECS
download() {
  local id=$1 bytes=$2 out=${3:-/dev/null} w code secs size
  w="$(curl -s -o "$out" -w '%{http_code} %{time_total} %{size_download}' --max-time 900 -A bench \
    -H "Cookie: $COOKIES" -H "X-Guard-Unlock-Token: $TOKEN" "$GW/api/files/$id/content?session=$SESSION")" \
    || die "download of $id failed (curl exit $?): a short transfer is how the service reports a failed integrity check"
  read -r code secs size <<<"$w"
  [[ "$code" == 200 ]] || die "download of $id answered $code"
  [[ "$size" == "$bytes" ]] || die "download of $id gave $size bytes, not $bytes"
  DL_SECS=$secs
}

# packets FILE: the OpenPGP message's outer packets, from gpg --list-packets without decrypting (--list-only), e.g.
# "pubkey enc packet: version 3, algo 18; encrypted data packet: mdc_method 2" (algo 18 = ECDH; mdc_method 2 = SEIPD v1)
packets() {
  { gpg --homedir "$GH" --batch --list-only --list-packets "$1" 2>/dev/null || true; } | awk '
    /^:/ { sub(/^:/, ""); sub(/, keyid.*/, ""); sub(/:$/, ""); line = line (n++ ? "; " : "") $0 }
    /^\tmdc_method:/ { line = line ": mdc_method " $2 }
    END { print line }'
}

# ======================================================================================= main

RUN_START="$(date -u '+%F %T')"
RUN_T0=$SECONDS
find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
ensure_packages gpg:gnupg curl:curl mariadbd:mariadb-server
ensure_built
snapshot_build
pick_base
[[ -d "$FILE_DIR" && -w "$FILE_DIR" ]] || die "BENCH_FILE_DIR=$FILE_DIR is not a writable directory"
DATA_DIR="$(mktemp -d "$FILE_DIR/files-bench.XXXXXX")"
DATA="$DATA_DIR/bench-$FILE_MIB.bin"
FILE_BYTES=$((FILE_MIB * 1048576))

prop run.date "$DATE"
prop run.start "$RUN_START"
prop run.git "$(git_rev)"
prop machine.cpu "$(machine_cpu)"
prop machine.nproc "$(nproc)"
prop machine.memory "$(machine_memory)"
prop machine.kernel "$(uname -r)"
prop machine.os "$(machine_os)"
prop machine.jdk "$(jdk_version)"
prop machine.gpg "$(gpg --version | sed -n 1p)"
prop machine.libgcrypt "$(gpg --version | sed -n 2p)"
prop machine.curl "$(curl --version | sed -n 1p | cut -d' ' -f1-2)"
prop machine.aes_ni "$(grep -qw aes /proc/cpuinfo && echo yes || echo no)"
prop machine.load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
prop machine.file_fs "$(df -T "$DATA_DIR" | awk 'NR == 2 {print $2}')"
prop machine.work_fs "$(df -T "$WORK" | awk 'NR == 2 {print $2 " (" $1 ")"}')"
prop config.file_mib "$FILE_MIB"
prop config.runs "$RUNS"
prop config.warmup_mib "$WARMUP_MIB"
prop config.backends "${BACKENDS[*]}"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); JDK $JAVA_HOME; base port $BASE"

log "writing $FILE_MIB MiB of random bytes to $DATA"
head -c "$FILE_BYTES" /dev/urandom >"$DATA"
SHA="$(sha256sum "$DATA" | cut -d' ' -f1)"
if [[ "$WARMUP_MIB" -gt 0 ]]; then head -c $((WARMUP_MIB * 1048576)) /dev/urandom >"$DATA_DIR/warmup.bin"; fi

GUARD_PASSWORD="files-bench-$RANDOM-$RANDOM-guard"
EXPORT_PASS="$WORK/export.pass"
printf 'files-bench-%s-%s-export' "$RANDOM" "$RANDOM" >"$EXPORT_PASS"
FPR=""
FS_PID="" GW_PID=""

for backend in "${BACKENDS[@]}"; do
  STATE="$WORK/state-$backend"
  layout_free "$BASE" || die "a port of the stack's layout at base $BASE is in use: $(layout_ports "$BASE")"
  log "[$backend] starting the local stack (1 replica, --storage $backend, base port $BASE)"
  STACK_UP=1
  # The key cache off (guard up passes its environment on to the services): its pool of RSA keys would otherwise be
  # generated, in the background, while the files are measured; alice's key is Ed25519 and never comes from it.
  if ! GUARD_KEY_CACHE_ENABLED=false guard_cli up --replicas 1 --storage "$backend" --state-dir "$STATE" --base-port "$BASE" \
    >"$WORK/guard-up-$backend.log" 2>&1; then
    cat "$WORK/guard-up-$backend.log" >&2
    die "guard up --storage $backend failed"
  fi
  [[ "$(stack_prop storage)" == "$backend" ]] || die "the stack's storage is '$(stack_prop storage)', not $backend"
  FS_PID="$(stack_prop 'process\.filestore-service-0\.pid')"
  GW_PID="$(stack_prop 'process\.gateway-0\.pid')"
  GW="http://127.0.0.1:$(stack_prop 'process\.gateway-0\.port')"
  EMU_NAME="$(sed -n 's/^process\.\([a-z0-9-]*emulator[a-z0-9-]*\)\.port=.*/\1/p' "$STATE/stack.properties" | sed -n 1p)"
  [[ -n "$EMU_NAME" && -n "$FS_PID" && -n "$GW_PID" ]] || die "emulator, filestore-service or gateway missing in $STATE/stack.properties"
  EMU="http://127.0.0.1:$(stack_prop "process\\.$EMU_NAME\\.port")"
  prop "$backend.filestore_heap" "$(tr '\0' '\n' <"/proc/$FS_PID/cmdline" | grep -E '^-Xmx' | sed -n 1p)"

  login
  code="$(api POST /api/keys -H 'Content-Type: application/json' -d "{\"password\":\"$GUARD_PASSWORD\"}")"
  [[ "$code" == 201 ]] || die "[$backend] creating alice's key answered $code: $(head -c 500 "$WORK/api.out")"
  prop "$backend.key" "$(json_str fingerprint "$WORK/api.out") $(json_str algorithm "$WORK/api.out")"
  code="$(api POST /api/keys/unlock -H 'Content-Type: application/json' \
    -d "{\"password\":\"$GUARD_PASSWORD\",\"rememberMinutes\":60}")"
  [[ "$code" == 200 || "$code" == 201 ]] || die "[$backend] unlock answered $code: $(head -c 500 "$WORK/api.out")"
  TOKEN="$(json_str unlockToken "$WORK/api.out")"
  [[ -n "$TOKEN" ]] || die "[$backend] no unlockToken in the unlock's answer"

  if [[ -z "$FPR" ]]; then
    # The same kind of key for gpg: this one, exported (protected with a throw-away passphrase), into a private home.
    code="$(api GET /api/keys)"
    [[ "$code" == 200 ]] || die "GET /api/keys answered $code"
    FPR="$(json_str fingerprint "$WORK/api.out")"
    [[ -n "$FPR" ]] || die "no fingerprint in GET /api/keys: $(head -c 500 "$WORK/api.out")"
    code="$(api POST "/api/keys/$FPR/export" -H 'Content-Type: application/json' \
      -d "{\"password\":\"$GUARD_PASSWORD\",\"exportPassword\":\"$(cat "$EXPORT_PASS")\"}")"
    [[ "$code" == 200 ]] || die "exporting the key answered $code: $(head -c 300 "$WORK/api.out")"
    cp "$WORK/api.out" "$WORK/key.asc"
    mkdir -m 700 "$GH"
    GNUPG_HOMES=("$GH")
    printf 'allow-loopback-pinentry\n' >"$GH/gpg-agent.conf"
    gpg --homedir "$GH" --batch -q --pinentry-mode loopback --passphrase-file "$EXPORT_PASS" --import "$WORK/key.asc" \
      2>>"$WORK/gpg.log" || { cat "$WORK/gpg.log" >&2; die "gpg cannot import the exported key"; }
    prop gpg.key "$(gpg --homedir "$GH" --with-colons --list-secret-keys | awk -F: '$1 == "sec" || $1 == "ssb" {
      a = ($4 == 22 ? "ed25519" : $4 == 18 ? "cv25519" : "algo" $4); printf "%s%s %s", (n++ ? ", " : ""), $1, a }')"
  fi

  if [[ "$WARMUP_MIB" -gt 0 ]]; then
    # Two rounds: the JIT compiles the bulk paths (AES, SHA) fully only after a few hundred MiB.
    log "[$backend] warm-up: two $WARMUP_MIB MiB uploads and downloads (not measured)"
    for _ in 1 2; do
      upload "$DATA_DIR/warmup.bin" warmup.bin
      download "$UP_ID" $((WARMUP_MIB * 1048576))
    done
  fi

  wait_for_quiet "$backend.upload"
  prop "$backend.rss_before_mib" "$(mib "$(vm_kib "$FS_PID" VmRSS)")"
  log "[$backend] $RUNS uploads of $FILE_MIB MiB (filestore-service RSS now $(getprop "$backend\\.rss_before_mib") MiB)"
  IDS=() RATES=()
  phase_begin
  sampler_start "$WORK/rss-$backend-upload"
  for i in $(seq 1 "$RUNS"); do
    upload "$DATA" "bench-$i.bin"
    IDS+=("$UP_ID"); RATES+=("$(mib_s "$FILE_BYTES" "$UP_SECS")")
    log "[$backend] upload $i: ${UP_SECS}s, ${RATES[-1]} MiB/s"
  done
  sampler_stop
  phase_end "$backend.upload"
  stats "$backend.upload" "${RATES[@]}"
  read -r peak samples <"$WORK/rss-$backend-upload"
  prop "$backend.upload.rss_peak_mib" "$(mib "$peak")"
  prop "$backend.upload.rss_samples" "$samples"

  wait_for_quiet "$backend.download"
  log "[$backend] $RUNS downloads to /dev/null"
  RATES=()
  phase_begin
  sampler_start "$WORK/rss-$backend-download"
  for i in $(seq 1 "$RUNS"); do
    download "${IDS[$(( (i - 1) % ${#IDS[@]} ))]}" "$FILE_BYTES"
    RATES+=("$(mib_s "$FILE_BYTES" "$DL_SECS")")
    log "[$backend] download $i: ${DL_SECS}s, ${RATES[-1]} MiB/s"
  done
  sampler_stop
  phase_end "$backend.download"
  stats "$backend.download" "${RATES[@]}"
  read -r peak samples <"$WORK/rss-$backend-download"
  prop "$backend.download.rss_peak_mib" "$(mib "$peak")"
  prop "$backend.download.rss_samples" "$samples"
  prop "$backend.rss_hwm_mib" "$(mib "$(vm_kib "$FS_PID" VmHWM)")"
  prop "$backend.rss_after_mib" "$(mib "$(vm_kib "$FS_PID" VmRSS)")"

  # Not measured: one more download, checked byte for byte; and the stored message, read by gpg with the exported key
  # (the first stack's only: the second has a key of its own).
  log "[$backend] checking a download's SHA-256"
  got="$(curl -s --max-time 900 -A bench -H "Cookie: $COOKIES" -H "X-Guard-Unlock-Token: $TOKEN" \
    "$GW/api/files/${IDS[0]}/content?session=$SESSION" | sha256sum | cut -d' ' -f1)"
  [[ "$got" == "$SHA" ]] || die "[$backend] the downloaded file's SHA-256 differs from the original's"
  prop "$backend.check" "download SHA-256 = original's"
  if [[ "$backend" == "${BACKENDS[0]}" ]]; then
    code="$(curl -s -o "$WORK/raw.gpg" -w '%{http_code}' --max-time 900 -A bench -H "Cookie: $COOKIES" \
      "$GW/api/files/${IDS[0]}/raw?session=$SESSION")"
    [[ "$code" == 200 ]] || die "GET /api/files/{id}/raw answered $code"
    got="$(gpg --homedir "$GH" --batch -v --pinentry-mode loopback --passphrase-file "$EXPORT_PASS" -d "$WORK/raw.gpg" \
      2>"$WORK/gpg-raw.log" | sha256sum | cut -d' ' -f1)"
    [[ "$got" == "$SHA" ]] || { cat "$WORK/gpg-raw.log" >&2; die "gpg does not decrypt the stored message to the original"; }
    prop service.cipher "$(grep -E 'encrypted data' "$WORK/gpg-raw.log" | sed -n 1p | sed 's/^gpg: //')"
    prop service.packets "$(packets "$WORK/raw.gpg")"
    prop service.stored_overhead_bytes "$(( $(stat -c %s "$WORK/raw.gpg") - FILE_BYTES ))"
    rm -f "$WORK/raw.gpg"
  fi

  log "[$backend] stopping the stack"
  [[ -n "${BENCH_KEEP:-}" ]] && { cp -RL "$STATE/logs" "$WORK/stack-logs-$backend" 2>/dev/null || true; }
  stack_down || die "guard down failed"
  STACK_UP=0
  FS_PID="" GW_PID=""
done

# ------------------------------------------------------------------------------------------- gpg
# The same file, the same kind of key (the first stack's, exported), output to the same file system the service
# stores on ($WORK), timed around the whole gpg process (start-up included: a few ms in 1-3 s).
GPG_ENC=(gpg --homedir "$GH" --batch --yes -q -z 0 --trust-model always -r "$FPR" --encrypt -o "$WORK/out.gpg" "$DATA")
# (never `-o /dev/null`: gpg removes its output file when it fails, and as root that is the device itself)
GPG_DEC=(gpg --homedir "$GH" --batch --yes -q --pinentry-mode loopback --passphrase-file "$EXPORT_PASS" --decrypt
  -o "$WORK/out.dec" "$WORK/out.gpg")
"${GPG_ENC[@]}" 2>>"$WORK/gpg.log" || die "gpg --encrypt failed (see $WORK/gpg.log)"
gpg --homedir "$GH" --batch --yes -v --pinentry-mode loopback --passphrase-file "$EXPORT_PASS" -d -o "$WORK/out.dec" "$WORK/out.gpg" \
  2>"$WORK/gpg-v.log" || { cat "$WORK/gpg-v.log" >&2; die "gpg --decrypt failed"; }
prop gpg.cipher "$(grep -E 'encrypted data' "$WORK/gpg-v.log" | sed -n 1p | sed 's/^gpg: //')"
prop gpg.packets "$(packets "$WORK/out.gpg")"

printf 'x\n' >"$WORK/tiny.txt"
"${GPG_ENC[@]:0:${#GPG_ENC[@]}-3}" -o "$WORK/tiny.gpg" "$WORK/tiny.txt" 2>>"$WORK/gpg.log" || die "gpg --encrypt failed (tiny)"
GPG_ENC_TINY=("${GPG_ENC[@]:0:${#GPG_ENC[@]}-3}" -o "$WORK/tiny.out.gpg" "$WORK/tiny.txt")
GPG_DEC_TINY=("${GPG_DEC[@]:0:${#GPG_DEC[@]}-1}" "$WORK/tiny.gpg")

gpg_timed() { # SECONDS of one run of the command
  local t0 t1
  t0=$EPOCHREALTIME
  "$@" 2>>"$WORK/gpg.log" || die "gpg failed: $* (see $WORK/gpg.log)"
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
for op in encrypt decrypt; do
  wait_for_quiet "gpg.$op"
  log "gpg: $RUNS x --$op of $FILE_MIB MiB"
  RATES=()
  phase_begin
  for i in $(seq 1 "$RUNS"); do
    if [[ $op == encrypt ]]; then secs="$(gpg_timed "${GPG_ENC[@]}")"; else secs="$(gpg_timed "${GPG_DEC[@]}")"; fi
    RATES+=("$(mib_s "$FILE_BYTES" "$secs")")
    log "gpg $op $i: ${secs}s, ${RATES[-1]} MiB/s"
  done
  phase_end "gpg.$op"
  stats "gpg.$op" "${RATES[@]}"
  # gpg's fixed cost per operation: the same command on a 2-byte file (process start, key lookup; for decrypt also
  # gpg-agent's S2K: it caches the passphrase, not the key, and derives the key again for every use).
  FIXED=()
  for i in $(seq 1 "$RUNS"); do
    if [[ $op == encrypt ]]; then FIXED+=("$(gpg_timed "${GPG_ENC_TINY[@]}")"); else FIXED+=("$(gpg_timed "${GPG_DEC_TINY[@]}")"); fi
  done
  prop "gpg.$op.fixed_runs_s" "${FIXED[*]}"
  fixed="$(printf '%s\n' "${FIXED[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
  prop "gpg.$op.fixed_s" "$fixed"
  # the median run's MiB/s without that fixed cost
  prop "gpg.$op.net_median_mib_s" "$(awk -v m="$FILE_MIB" -v r="$(getprop "gpg\\.$op\\.median_mib_s")" -v f="$fixed" \
    'BEGIN { t = m / r - f; if (t > 0) printf "%.1f", m / t; else print "-" }')"
  log "gpg $op: fixed cost ${fixed}s per operation; net of it the median run does $(getprop "gpg\\.$op\\.net_median_mib_s") MiB/s"
done
rm -f "$WORK/out.gpg" "$WORK/tiny.out.gpg" "$WORK/tiny.gpg"

# ---------------------------------------------------------------------------------- the report
prop machine.other_java "$(other_java)"
prop machine.load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
prop run.end "$(date -u '+%F %T')"
prop run.seconds $((SECONDS - RUN_T0))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v t="$TARGET_RATIO" 'BEGIN { print (r != "-" && r >= t ? "**met**" : "**missed**") }'; }
ENC_MED="$(getprop 'gpg\.encrypt\.median_mib_s')"; DEC_MED="$(getprop 'gpg\.decrypt\.median_mib_s')"
ENC_BEST="$(getprop 'gpg\.encrypt\.best_mib_s')"; DEC_BEST="$(getprop 'gpg\.decrypt\.best_mib_s')"
for b in "${BACKENDS[@]}"; do
  prop "$b.upload.ratio_median" "$(ratio "$(getprop "$b\\.upload\\.median_mib_s")" "$ENC_MED")"
  prop "$b.upload.ratio_best" "$(ratio "$(getprop "$b\\.upload\\.best_mib_s")" "$ENC_BEST")"
  prop "$b.download.ratio_median" "$(ratio "$(getprop "$b\\.download\\.median_mib_s")" "$DEC_MED")"
  prop "$b.download.ratio_best" "$(ratio "$(getprop "$b\\.download\\.best_mib_s")" "$DEC_BEST")"
  prop "$b.upload.ratio_net" "$(ratio "$(getprop "$b\\.upload\\.median_mib_s")" "$(getprop 'gpg\.encrypt\.net_median_mib_s')")"
  prop "$b.download.ratio_net" "$(ratio "$(getprop "$b\\.download\\.median_mib_s")" "$(getprop 'gpg\.decrypt\.net_median_mib_s')")"
done
backend_label() { case $1 in file) echo "NAS (directory)" ;; s3) echo "S3 (S3Proxy)" ;; *) echo "$1" ;; esac; }

mkdir -p "$(dirname "$RESULTS")"
{
  echo "# Files benchmark, $DATE"
  echo
  echo "\`bench/files-bench.sh\` at $(g run.git), $(g run.start) UTC. One file of $FILE_MIB MiB of random bytes (on"
  echo "$(g machine.file_fs) \`$FILE_DIR\`) uploaded $RUNS times through the gateway (\`POST /api/files\`, streamed with \`curl -T\`:"
  echo "filestore-service encrypts it to alice's current key, Ed25519/Cv25519, and stores it) and downloaded $RUNS times"
  echo "(\`GET /api/files/{id}/content\` with an unlock token, to /dev/null: key-service decrypts the session key,"
  echo "filestore-service the body), per storage backend, each in its own local stack (\`guard up --replicas 1 --storage …\`);"
  echo "and gpg encrypting (\`gpg -z 0 --trust-model always -r <fpr> --encrypt -o out.gpg\`) and decrypting (\`--decrypt -o"
  echo "/dev/null\`) the same file $RUNS times each with the same key, exported from the first stack. MiB/s = $FILE_MIB MiB ÷"
  echo "curl's total time (request sent to answer complete) or ÷ the gpg process's wall time."
  echo
  echo "## Throughput"
  echo
  echo "| | upload+encrypt MiB/s (median / best) | ÷ gpg encrypt (median / best) | download+decrypt MiB/s (median / best) | ÷ gpg decrypt (median / best) | filestore-service RSS: before / peak upload / peak download / VmHWM | other processes' CPU (upload / download) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for b in "${BACKENDS[@]}"; do
    printf '| %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s / %s / %s MiB | %s%% / %s%% |\n' "$(backend_label "$b")" \
      "$(g "$b.upload.median_mib_s")" "$(g "$b.upload.best_mib_s")" \
      "$(g "$b.upload.ratio_median")" "$(g "$b.upload.ratio_best")" \
      "$(g "$b.download.median_mib_s")" "$(g "$b.download.best_mib_s")" \
      "$(g "$b.download.ratio_median")" "$(g "$b.download.ratio_best")" \
      "$(g "$b.rss_before_mib")" "$(g "$b.upload.rss_peak_mib")" "$(g "$b.download.rss_peak_mib")" "$(g "$b.rss_hwm_mib")" \
      "$(g "phase.$b.upload.foreign_pct")" "$(g "phase.$b.download.foreign_pct")"
  done
  printf '| gpg | %s / %s (encrypt) | 1 | %s / %s (decrypt) | 1 | – | %s%% / %s%% |\n' "$ENC_MED" "$ENC_BEST" "$DEC_MED" "$DEC_BEST" \
    "$(g phase.gpg.encrypt.foreign_pct)" "$(g phase.gpg.decrypt.foreign_pct)"
  echo
  echo "Every run, MiB/s:"
  echo
  for b in "${BACKENDS[@]}"; do
    echo "- $(backend_label "$b"): upload $(g "$b.upload.runs"); download $(g "$b.download.runs")"
  done
  echo "- gpg: encrypt $(g gpg.encrypt.runs); decrypt $(g gpg.decrypt.runs)"
  echo
  echo "gpg's fixed cost per operation, the same command on a 2-byte file ($RUNS runs, median): encrypt $(g gpg.encrypt.fixed_s) s"
  echo "($(g gpg.encrypt.fixed_runs_s)), decrypt $(g gpg.decrypt.fixed_s) s ($(g gpg.decrypt.fixed_runs_s)): process start and key lookup, and for"
  echo "decrypt gpg-agent deriving the key from the passphrase again (its cache holds the passphrase, not the key; the"
  echo "service's downloads use an unlock token instead and pay no key derivation). Net of it, gpg's median run is"
  echo "$(g gpg.encrypt.net_median_mib_s) MiB/s encrypting and $(g gpg.decrypt.net_median_mib_s) MiB/s decrypting. The service's own fixed costs (HTTP, the"
  echo "session-key call to key-service, the database row) are not subtracted."
  echo
  echo "CPU time during the measured runs (all $RUNS together), seconds:"
  echo
  echo "| phase | wall | filestore-service | gateway | curl / gpg | other processes (% of a core) |"
  echo "|---|---:|---:|---:|---:|---:|"
  for b in "${BACKENDS[@]}"; do
    for op in upload download; do
      echo "| $(backend_label "$b") $op | $(g "phase.$b.$op.seconds") | $(g "phase.$b.$op.cpu_filestore_s") | $(g "phase.$b.$op.cpu_gateway_s") | $(g "phase.$b.$op.cpu_clients_s") | $(g "phase.$b.$op.foreign_pct")% |"
    done
  done
  for op in encrypt decrypt; do
    echo "| gpg $op | $(g "phase.gpg.$op.seconds") | – | – | $(g "phase.gpg.$op.cpu_clients_s") | $(g "phase.gpg.$op.foreign_pct")% |"
  done
  echo
  echo "## Targets (issue 5: ≥ $TARGET_RATIO× gpg's throughput)"
  echo
  for b in "${BACKENDS[@]}"; do
    for op in upload download; do
      r="$(g "$b.$op.ratio_median")"
      rn="$(g "$b.$op.ratio_net")"
      echo "- $(backend_label "$b") $op: $r × gpg $([[ $op == upload ]] && echo encrypt || echo decrypt) (median; best $(g "$b.$op.ratio_best")): $(verdict "$r"); against gpg net of its fixed cost: $rn × ($(verdict "$rn" | tr -d '*'))"
    done
  done
  echo
  echo "Peak RSS = the highest VmRSS of the filestore-service process sampled every 50 ms during the measured uploads"
  echo "(resp. downloads) ($(g "${BACKENDS[0]}.upload.rss_samples") / $(g "${BACKENDS[0]}.download.rss_samples") samples in the first stack); VmHWM = the kernel's high-water mark"
  echo "over the process's life (start-up, warm-up and the checks included); heap limit $(g "${BACKENDS[0]}.filestore_heap") (guard up's)."
  echo "Before = VmRSS after start-up and the ${WARMUP_MIB} MiB warm-up, just before the first measured upload."
  echo "\"other processes' CPU\": CPU the machine spent on processes that are not the benchmark's (neither the stack nor"
  echo "curl/gpg) during the phase, in % of one core (of $(g machine.nproc) × 100 %): above ~10 % the phase was disturbed."
  echo
  echo "## What was compared"
  echo
  echo "- the service's stored message (\`GET /api/files/{id}/raw\`, first stack): $(g service.packets); gpg reads it as"
  echo "  \"$(g service.cipher)\" and decrypts it to the original; $(g service.stored_overhead_bytes) bytes more than the file"
  echo "- gpg's output: $(g gpg.packets); \"$(g gpg.cipher)\""
  echo "- key (the first stack's, exported to gpg): $(g gpg.key); each stack's: $(for b in "${BACKENDS[@]}"; do printf '%s %s; ' "$b" "$(g "$b.key")"; done | sed 's/; $//')"
  echo "- every download: HTTP 200 and exactly $FILE_BYTES bytes; one more per backend (not timed): SHA-256 equal to the original's"
  echo "- the service's storage and gpg's output on the same file system ($(g machine.work_fs), the run's temporary directory);"
  echo "  S3 = S3Proxy (its filesystem backend) on 127.0.0.1, in the stack's state directory"
  echo "- everything (curl, gateway, filestore-service, key-service, MariaDB, Infinispan, S3Proxy, gpg) shares the machine's"
  echo "  $(g machine.nproc) cores; gpg is one process doing both the I/O and the crypto, the service's path is curl → gateway →"
  echo "  filestore-service → storage"
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(g machine.cpu), nproc $(g machine.nproc), AES-NI $(g machine.aes_ni); load average at start $(g machine.load_start), at the end $(g machine.load_end)"
  echo "- memory: $(g machine.memory)"
  echo "- kernel: $(g machine.kernel); $(g machine.os)"
  echo "- JDK: $(g machine.jdk); $(g machine.gpg), $(g machine.libgcrypt); $(g machine.curl)"
  echo "- at the end $(g machine.other_java) other java process(es) were running on the machine; the run took $(g run.seconds) s"
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
sort "$PROPS" >"${RESULTS%.md}.properties"

echo
cat "$RESULTS"
echo
log "written to $RESULTS (raw figures: ${RESULTS%.md}.properties) in $((SECONDS - RUN_T0))s"
exit 0
