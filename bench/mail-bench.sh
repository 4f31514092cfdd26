#!/usr/bin/env bash
# mail-bench.sh: p50/p99 latency to read (decrypt + verify) a ~100 KiB and a ~10 MiB PGP/MIME mail through
# mail-service's HTTP API (GET /api/mail/message, through the gateway as alice, and straight to mail-service), against
# `gpg --decrypt` (which checks the signature while decrypting) of the same armored messages in the same run; plus a
# ~1 KiB mail, read the same ways, for the fixed cost of one read.
#
# Usage (from anywhere; as root on a fresh Debian it installs gnupg, curl and mariadb-server):
#   bash bench/mail-bench.sh       # ~2 minutes on a quiet machine (longer while it waits for one); writes bench/results/mail-<date>.md (+ .properties) and prints it
# Knobs (environment):
#   BENCH_SMALL_KIB / BENCH_LARGE_KIB          size of the two mails' signed MIME entities, KiB (100 / 10240)
#   BENCH_SMALL_SAMPLES / BENCH_LARGE_SAMPLES  measured reads per path, and gpg decryptions, of the small (and the
#                                              ~1 KiB) / the large mail (100 / 30)
#   BENCH_SMALL_WARMUP / BENCH_LARGE_WARMUP    unmeasured reads per path before them (100 / 15)
#   BENCH_GPG_WARMUP   unmeasured gpg decryptions before each gpg series (3)
#   BENCH_SENDER_KEY   the outside sender's key, a gpg --quick-gen-key algorithm (future-default: Ed25519 + Cv25519;
#                      default: gpg 2.2's RSA-3072 pair)
#   BENCH_BASE_PORT    base port of the stack (default: a free one from 21000..39900, other engineers' stacks may run
#                      on this machine)
#   BENCH_IDLE_WAIT    the longest to wait for a quieter machine before each measured phase (30 s)
#   BENCH_KEEP         set: keep the temporary directory (logs of the stack, the samples, gpg's status) after a good run
#   BENCH_RESULTS      where the Markdown goes (bench/results/mail-<date>.md; the raw figures next to it, .properties)
#   JAVA_HOME          a JDK >= 21 with javac (else the newest one under /usr/lib/jvm)
#
# It builds what is missing (./mvnw -B -q package -Dmaven.test.skip: nothing goes to ~/.m2), starts the local stack
# (GUARD_KEY_CACHE_ENABLED=false guard up --replicas 1: no RSA key pool filling in the background) in a private
# temporary directory, logs alice in at the stack's groupware emulator, creates her Guard key (Ed25519/Cv25519, the
# default) through the gateway and unlocks it; makes a gpg key for an outside sender (dave@outside.example) and puts
# its public key into alice's Guard keyring; has gpg sign and encrypt the MIME entities to alice's key, wraps them as
# RFC 3156 multipart/encrypted mails and drops them into her INBOX through the emulator. MailBench
# (bench/mail-bench/MailBench.java) then reads each mail, checked every time, alternately through the gateway and
# straight to mail-service. After the stack is stopped, gpg decrypts the same armored messages with alice's key
# (exported from Guard, protection removed in the private GnuPG home) and dave's public key. It stops exactly what it
# started on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
SMALL_KIB="${BENCH_SMALL_KIB:-100}"
LARGE_KIB="${BENCH_LARGE_KIB:-10240}"
SMALL_SAMPLES="${BENCH_SMALL_SAMPLES:-100}"
LARGE_SAMPLES="${BENCH_LARGE_SAMPLES:-30}"
SMALL_WARMUP="${BENCH_SMALL_WARMUP:-100}"
LARGE_WARMUP="${BENCH_LARGE_WARMUP:-15}"
GPG_WARMUP="${BENCH_GPG_WARMUP:-3}"
BASE="${BENCH_BASE_PORT:-}"
IDLE_WAIT="${BENCH_IDLE_WAIT:-30}"
DATE="$(date +%F)"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results/mail-$DATE.md}"
# tiny: a ~1 KiB mail, the fixed cost of a read (API) and of a gpg process; measured like the small one
SIZES=(tiny small large)
declare -A KIB=([tiny]=1 [small]=$SMALL_KIB [large]=$LARGE_KIB)
declare -A SAMPLES=([tiny]=$SMALL_SAMPLES [small]=$SMALL_SAMPLES [large]=$LARGE_SAMPLES)
declare -A WARMUP=([tiny]=$SMALL_WARMUP [small]=$SMALL_WARMUP [large]=$LARGE_WARMUP)

SENDER_KEY="${BENCH_SENDER_KEY:-future-default}"
SENDER="dave@outside.example"  # .example: reserved, so a lookup that fell through to WKD could never reach anyone
ALICE="alice@example.com"

WORK="$(mktemp -d /tmp/mail-bench.XXXXXX)"
STATE="$WORK/state"
PROPS="$WORK/results.properties"
GH="$WORK/gnupg-alice"   # alice's secret key (exported from Guard, unprotected here) + dave's public key
GS="$WORK/gnupg-dave"    # dave's key + alice's public key: makes the mails
GNUPG_HOMES=()
STACK_UP=0
MB_PID=""


cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [[ -n "$MB_PID" ]] && stop_pid "$MB_PID" 20
  release_gnupg_and_stack
  finish_work "$rc"
  exit "$rc"
}
bench_traps

# The stack's ports (bench/lib.sh); this benchmark opens none of its own.
layout_ports() { stack_layout_ports "$1"; }

# ---------------------------------------------------------------------------------- accounting

# The running stack's processes.
stack_pids() {
  [[ -f "$STATE/stack.properties" && "$STACK_UP" == 1 ]] \
    && sed -n 's/^process\.[^.]*\.pid=//p' "$STATE/stack.properties" | tr '\n' ' '
  return 0
}
# The benchmark's long-lived processes: the running stack's, the gpg-agents and MailBench while it runs.
our_pids() {
  local pids home pid
  pids="$(stack_pids)"
  [[ -n "$MB_PID" ]] && pids="$pids $MB_PID"
  for home in "${GNUPG_HOMES[@]}"; do
    pid="$(gpg-connect-agent --homedir "$home" --no-autostart 'GETINFO pid' /bye 2>/dev/null | awk '$1 == "D" {print $2}')"
    [[ -n "$pid" ]] && pids="$pids $pid"
  done
  echo "$pids"
}

# phase_begin / phase_end NAME: how long the phase took, how much CPU processes not the benchmark's used meanwhile (the
# benchmark's: the stack, the gpg-agents, MailBench and this shell's children: gpg), the clients' CPU (MailBench's JVM,
# alive from before phase_begin until after phase_end, or the gpg processes) and the CPU of the whole stack and of each
# of its processes that a read goes through (while a stack runs).
declare -A P_CPU0=()
P_PIDS="" P_M0=0 P_O0=0 P_T0="" P_S0=0 P_MB0=0 P_SPIDS=""
WATCHED=(gateway mail-service key-service emulator)
declare -A WPID=()
phase_begin() {
  local w
  P_PIDS="$(our_pids)"; P_SPIDS="$(stack_pids)"
  # shellcheck disable=SC2086
  P_M0="$(machine_busy_ticks)"; P_O0="$(cpu_ticks $P_PIDS)"; times >"$WORK/times.0"; P_T0=$EPOCHREALTIME
  # shellcheck disable=SC2086
  P_S0="$(cpu_ticks $P_SPIDS)"; P_MB0="$(cpu_ticks $MB_PID)"
  for w in "${WATCHED[@]}"; do P_CPU0[$w]="$(cpu_ticks ${WPID[$w]:-})"; done
}
phase_end() {
  local name=$1 m1 o1 t1 c0 c1 secs w s1 mb1
  # shellcheck disable=SC2086
  m1="$(machine_busy_ticks)"; o1="$(cpu_ticks $P_PIDS)"; times >"$WORK/times.1"; t1=$EPOCHREALTIME
  # shellcheck disable=SC2086
  s1="$(cpu_ticks $P_SPIDS)"; mb1="$(cpu_ticks $MB_PID)"
  c0="$(children_ticks "$WORK/times.0")"; c1="$(children_ticks "$WORK/times.1")"
  secs="$(awk -v a="$P_T0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  prop "phase.$name.seconds" "$secs"
  prop "phase.$name.foreign_pct" "$(foreign_pct $(( (m1 - P_M0) - (o1 - P_O0) - (c1 - c0) )) "$secs")"
  prop "phase.$name.load" "$(cut -d' ' -f1 /proc/loadavg)"
  prop "phase.$name.cpu_clients_s" "$(ticks_s $(( (c1 - c0) + (mb1 - P_MB0) )))"
  if [[ "$STACK_UP" == 1 ]]; then
    for w in "${WATCHED[@]}"; do
      prop "phase.$name.cpu_${w//-/_}_s" "$(ticks_s $(( $(cpu_ticks "${WPID[$w]}") - P_CPU0[$w] )))"
    done
    prop "phase.$name.cpu_stack_s" "$(ticks_s $(( s1 - P_S0 )))"
  fi
  log "phase $name: ${secs}s, other processes $(getprop "phase\\.$name\\.foreign_pct")% of a core"
}
ticks_s() { awk -v d="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }'; }

# stats PREFIX FILE: p50/p90/p99 (nearest rank), min, max, mean of the milliseconds in FILE (one per line)
stats() {
  local prefix=$1 file=$2
  [[ -s "$file" ]] || die "no samples in $file"
  prop "$prefix.n" "$(wc -l <"$file")"
  sort -g "$file" | awk -v pre="$prefix" '{ v[NR] = $1; s += $1 } END {
    split("50 90 99", ps, " ")
    for (i = 1; i <= 3; i++) { k = int(ps[i] / 100 * NR); if (k < ps[i] / 100 * NR) k++; if (k < 1) k = 1
      printf "%s.p%s_ms=%.1f\n", pre, ps[i], v[k] }
    printf "%s.min_ms=%.1f\n%s.max_ms=%.1f\n%s.mean_ms=%.1f\n", pre, v[1], pre, v[NR], pre, s / NR }' >>"$PROPS"
}

# ------------------------------------------------------------------------------------- the API

# api METHOD PATH [curl args...]: a request through the gateway as alice; the body in $WORK/api.out, the status printed
api() {
  local method=$1 path=$2; shift 2
  local sep='?'; [[ "$path" == *'?'* ]] && sep='&'
  curl -s -o "$WORK/api.out" -w '%{http_code}' --max-time 60 -A "$UA" -H "Cookie: $COOKIES" -X "$method" "$@" \
    "$GW$path${sep}session=$SESSION"
}
# FIELD FILE: the first "FIELD": "string" (resp. number) of the JSON in FILE (the top-level one in these answers)

UA="mail-bench"
login() {
  local out
  out="$(curl -s --max-time 10 -c "$WORK/cookies" -A "$UA" \
    -d 'name=alice&password=secret-alice&client=open-xchange-appsuite' "$EMU/appsuite/api/login?action=login")"
  SESSION="$(sed -n 's/.*"session":"\([^"]*\)".*/\1/p' <<<"$out")"
  [[ -n "$SESSION" ]] || die "login at the emulator failed: $out"
  COOKIES="$(awk -F'\t' 'NF >= 7 && ($0 !~ /^# / ) {printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' "$WORK/cookies")"
}

# deliver FILE: drops the raw MIME mail into alice's INBOX through the emulator's test endpoint; prints its id
deliver() {
  local code
  code="$(curl -s -o "$WORK/deliver.out" -w '%{http_code}' --max-time 60 -u guard:guard-rest-secret \
    -H 'Content-Type: message/rfc822' --data-binary "@$1" "$EMU/emulator/mailboxes/alice%40example.com/INBOX")"
  [[ "$code" == 201 ]] || die "delivering $1 answered $code: $(head -c 300 "$WORK/deliver.out")"
  json_str id "$WORK/deliver.out"
}

# packets FILE: the OpenPGP message's packets as alice's gpg sees them (decrypting), e.g. "pubkey enc algo 18, encrypted
# data (mdc_method 2), compressed algo=2, onepass_sig, literal data, signature algo 22"
packets() {
  { gpg --homedir "$GH" --batch --pinentry-mode error --list-packets "$1" 2>/dev/null || true; } | awk '
    /^:/ { s = $0; sub(/^:/, "", s); name = s; sub(/ packet.*/, "", name); extra = ""
           if (match(s, /algo[= ][0-9]+/)) extra = " " substr(s, RSTART, RLENGTH)
           line = line (n++ ? ", " : "") name extra }
    /^\tmdc_method:/ { line = line " (mdc_method " $2 ")" }
    END { print line }'
}

# ======================================================================================= main

RUN_START="$(date -u '+%F %T')"
RUN_T0=$SECONDS
find_jdk javac
export PATH="$JAVA_HOME/bin:$PATH"
ensure_packages gpg:gnupg curl:curl mariadbd:mariadb-server
BUILD_GOAL=package  # every jar the run needs, nothing written to ~/.m2
ensure_built
snapshot_build
pick_base

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
prop machine.aes_ni "$(grep -qw aes /proc/cpuinfo && echo yes || echo no)"
prop machine.load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
prop machine.other_java_start "$(other_java)"
prop config.sender_key "$SENDER_KEY"
for s in "${SIZES[@]}"; do
  prop "config.$s.kib" "${KIB[$s]}"; prop "config.$s.samples" "${SAMPLES[$s]}"; prop "config.$s.warmup" "${WARMUP[$s]}"
done
prop config.gpg_warmup "$GPG_WARMUP"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); JDK $JAVA_HOME; base port $BASE"

# MailBench, compiled against mail-service's packaged class path (the common library: identity codec, master key file).
MS_APP="$APP/mail-service/target/quarkus-app"
MB_CP="$WORK/mb-classes:$MS_APP/app/*:$MS_APP/lib/main/*"
mkdir -p "$WORK/mb-classes"
"$JAVA_HOME/bin/javac" --release 21 -Xlint:all,-path -Werror -d "$WORK/mb-classes" -cp "$MB_CP" \
  "$ROOT/bench/mail-bench/MailBench.java" >"$WORK/javac.log" 2>&1 || { cat "$WORK/javac.log" >&2; die "MailBench does not compile"; }

# ------------------------------------------------------------------------------------- the stack
log "starting the local stack (1 replica, key cache disabled, base port $BASE, state $STATE)"
STACK_UP=1
# The key cache off (guard up passes its environment on to the services): its pool of RSA keys would otherwise be
# generated in the background while the mails are read; alice's key is Ed25519 and never comes from it.
if ! GUARD_KEY_CACHE_ENABLED=false guard_cli up --replicas 1 --state-dir "$STATE" --base-port "$BASE" \
  >"$WORK/guard-up.log" 2>&1; then
  cat "$WORK/guard-up.log" >&2
  die "guard up failed"
fi
grep -E '^all ready' "$WORK/guard-up.log" >&2 || true
EMU_NAME="$(sed -n 's/^process\.\([a-z0-9-]*emulator[a-z0-9-]*\)\.port=.*/\1/p' "$STATE/stack.properties" | sed -n 1p)"
[[ -n "$EMU_NAME" ]] || die "no emulator in $STATE/stack.properties"
WPID=([gateway]="$(stack_prop 'process\.gateway-0\.pid')" [mail-service]="$(stack_prop 'process\.mail-service-0\.pid')"
  [key-service]="$(stack_prop 'process\.key-service-0\.pid')" [emulator]="$(stack_prop "process\\.$EMU_NAME\\.pid")")
for w in "${WATCHED[@]}"; do [[ -n "${WPID[$w]}" ]] || die "no $w in $STATE/stack.properties"; done
GW="http://127.0.0.1:$(stack_prop 'process\.gateway-0\.port')"
MS="http://127.0.0.1:$(stack_prop 'process\.mail-service-0\.port')"
EMU="http://127.0.0.1:$(stack_prop "process\\.$EMU_NAME\\.port")"
MASTER="$(tr '\0' '\n' <"/proc/${WPID[mail-service]}/environ" | sed -n 's/^GUARD_MASTER_KEY_FILE=//p')"
[[ -r "$MASTER" ]] || die "cannot read the stack's oxguardpass ($MASTER)"
prop stack.mail_service_heap "$(tr '\0' '\n' <"/proc/${WPID[mail-service]}/cmdline" | grep -E '^-Xmx' | sed -n 1p)"

# ------------------------------------------------------------------------------------- alice and dave
login
GUARD_PASSWORD="mail-bench-$RANDOM-$RANDOM-guard"
EXPORT_PASS="$WORK/export.pass"
printf 'mail-bench-%s-%s-export' "$RANDOM" "$RANDOM" >"$EXPORT_PASS"
code="$(api POST /api/keys -H 'Content-Type: application/json' -d "{\"password\":\"$GUARD_PASSWORD\"}")"
[[ "$code" == 201 ]] || die "creating alice's key answered $code: $(head -c 500 "$WORK/api.out")"
ALICE_FPR="$(json_str fingerprint "$WORK/api.out")"
[[ -n "$ALICE_FPR" ]] || die "no fingerprint in the answer to POST /api/keys: $(head -c 500 "$WORK/api.out")"
prop key.alice "$ALICE_FPR $(json_str algorithm "$WORK/api.out")"
code="$(api POST /api/keys/unlock -H 'Content-Type: application/json' \
  -d "{\"password\":\"$GUARD_PASSWORD\",\"rememberMinutes\":60}")"
[[ "$code" == 200 || "$code" == 201 ]] || die "unlock answered $code: $(head -c 500 "$WORK/api.out")"
TOKEN="$(json_str unlockToken "$WORK/api.out")"
[[ -n "$TOKEN" ]] || die "no unlockToken in the unlock's answer"

code="$(api GET "/api/keys/$ALICE_FPR/public")"
[[ "$code" == 200 ]] || die "GET /api/keys/{fp}/public answered $code"
cp "$WORK/api.out" "$WORK/alice.pub.asc"
code="$(api POST "/api/keys/$ALICE_FPR/export" -H 'Content-Type: application/json' \
  -d "{\"password\":\"$GUARD_PASSWORD\",\"exportPassword\":\"$(cat "$EXPORT_PASS")\"}")"
[[ "$code" == 200 ]] || die "exporting alice's key answered $code: $(head -c 300 "$WORK/api.out")"
cp "$WORK/api.out" "$WORK/alice.sec.asc"

mkdir -m 700 "$GH" "$GS"
GNUPG_HOMES=("$GH" "$GS")
printf 'allow-loopback-pinentry\n' >"$GH/gpg-agent.conf"
# dave: a key of BENCH_SENDER_KEY's algorithm (future-default: Ed25519 primary, Cv25519 encryption subkey; gpg 2.2's
# own default would be RSA-3072), no passphrase. It needs an encryption subkey although it only signs here: key-service
# takes no key without one into a keyring.
gpg --homedir "$GS" --batch -q --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "Dave <$SENDER>" "$SENDER_KEY" default never 2>>"$WORK/gpg-setup.log" || { cat "$WORK/gpg-setup.log" >&2; die "gpg cannot make dave's key"; }
DAVE_FPR="$(gpg --homedir "$GS" --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')"
gpg --homedir "$GS" --batch -q --import "$WORK/alice.pub.asc" 2>>"$WORK/gpg-setup.log" || die "gpg cannot import alice's public key"
gpg --homedir "$GS" --armor --export "$DAVE_FPR" >"$WORK/dave.pub.asc"
prop key.dave "$(gpg --homedir "$GS" --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "sec" || $1 == "ssb" {
  a = ($4 == 22 ? "ed25519" : $4 == 18 ? "cv25519" : $4 == 1 ? "rsa" $3 : "algo" $4); printf "%s%s %s", (n++ ? ", " : ""), $1, a }')"

# dave's public key into alice's Guard keyring: mail-service finds it (key-service's recipient lookup: the Guard users,
# then the reader's keyring) to check his signatures
code="$(api POST /api/keys/keyring -H 'Content-Type: application/pgp-keys' --data-binary "@$WORK/dave.pub.asc")"
[[ "$code" == 200 || "$code" == 201 ]] || die "importing dave's key into alice's keyring answered $code: $(head -c 300 "$WORK/api.out")"

# alice's exported key into her gpg home, then its protection removed: gpg --passwd in loopback mode reads the prompts
# from --command-fd, here the old passphrase (asked once, then cached) and an empty new one for the primary key and for
# the subkey. gpg then decrypts without any passphrase and without gpg-agent's S2K per use, as the service reads with
# an unlock token and no password hashing per read.
gpg --homedir "$GH" --batch -q --pinentry-mode loopback --passphrase-file "$EXPORT_PASS" --import "$WORK/alice.sec.asc" \
  2>>"$WORK/gpg-setup.log" || { cat "$WORK/gpg-setup.log" >&2; die "gpg cannot import alice's exported key"; }
gpgconf --homedir "$GH" --kill gpg-agent
{ cat "$EXPORT_PASS"; printf '\n\n\n\n'; } | gpg --homedir "$GH" --batch -q --pinentry-mode loopback --command-fd 0 \
  --passwd "$ALICE_FPR" 2>>"$WORK/gpg-setup.log" || { cat "$WORK/gpg-setup.log" >&2; die "gpg cannot remove the passphrase"; }
gpgconf --homedir "$GH" --kill gpg-agent  # forget the cached passphrase: the checks below must work without it
if grep -l 'protected-private-key' "$GH"/private-keys-v1.d/*.key >/dev/null 2>&1; then
  cat "$WORK/gpg-setup.log" >&2
  die "alice's key is still passphrase-protected in $GH after gpg --passwd"
fi
gpg --homedir "$GH" --batch -q --import "$WORK/dave.pub.asc" 2>>"$WORK/gpg-setup.log" || die "gpg cannot import dave's key"
prop key.alice_gpg "$(gpg --homedir "$GH" --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "sec" || $1 == "ssb" {
  a = ($4 == 22 ? "ed25519" : $4 == 18 ? "cv25519" : $4 == 1 ? "rsa" $3 : "algo" $4); printf "%s%s %s", (n++ ? ", " : ""), $1, a }')"

# ------------------------------------------------------------------------------------- the mails
# gpg's command for the measurements: alice's home, no passphrase possible (pinentry error: a protected key fails
# instead of waiting), the signature checked without the web of trust (the service does not use one either); the
# plaintext goes to stdout, which the caller redirects (never `-o /dev/null`: gpg removes its output file when it
# fails, and as root that would be /dev/null itself).
GPG_DEC=(gpg --homedir "$GH" --batch --pinentry-mode error --trust-model always --status-fd 2 --decrypt)

declare -A MAIL_ID=() TEXT_LEN=() ASC=()
# make_mail NAME KIB: a text/plain entity of about KIB KiB (lines of base64 of random bytes, 76 characters
# and CRLF: as a long text or a pasted attachment would look; compresses to ~3/4 like base64 does), signed by dave and
# encrypted to alice by gpg (its defaults: the compression and cipher from alice's key's preferences), wrapped as RFC
# 3156 multipart/encrypted and delivered into alice's INBOX.
make_mail() {
  local name=$1 kib=$2 header lines entity asc mail
  header=$'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
  lines=$(( (kib * 1024 - ${#header}) / 78 ))
  [[ $lines -ge 1 ]] || lines=1
  entity="$WORK/$name.eml" asc="$WORK/$name.asc" mail="$WORK/$name.mail"
  { printf '%s' "$header"; head -c $((lines * 57)) /dev/urandom | base64 -w 76 | sed 's/$/\r/'; } >"$entity"
  TEXT_LEN[$name]=$((lines * 78))
  [[ "$(( $(stat -c %s "$entity") - ${#header} ))" == "${TEXT_LEN[$name]}" ]] || die "the $name entity is not $lines lines of 78 bytes"
  gpg --homedir "$GS" --batch --yes -q --trust-model always --armor --sign --local-user "$DAVE_FPR" \
    --encrypt --recipient "$ALICE_FPR" --output "$asc" "$entity" 2>>"$WORK/gpg-setup.log" \
    || { cat "$WORK/gpg-setup.log" >&2; die "gpg cannot sign and encrypt the $name mail"; }
  ASC[$name]="$asc"
  {
    printf 'From: Dave <%s>\r\nTo: Alice <%s>\r\nSubject: mail-bench %s\r\nDate: %s\r\nMessage-ID: <%s.%s@outside.example>\r\n' \
      "$SENDER" "$ALICE" "$name" "$(LC_ALL=C date -R)" "$name" "$RANDOM$RANDOM"
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b0undary"\r\n\r\n'
    printf 'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n--b0undary\r\n'
    printf 'Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n\r\n'
    printf -- '--b0undary\r\nContent-Type: application/octet-stream; name="encrypted.asc"\r\n'
    printf 'Content-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename="encrypted.asc"\r\n\r\n'
    sed 's/$/\r/' "$asc"
    printf -- '--b0undary--\r\n'
  } >"$mail"
  MAIL_ID[$name]="$(deliver "$mail")"
  [[ -n "${MAIL_ID[$name]}" ]] || die "no id for the delivered $name mail: $(head -c 300 "$WORK/deliver.out")"
  prop "$name.entity_bytes" "$(stat -c %s "$entity")"
  prop "$name.text_chars" "${TEXT_LEN[$name]}"
  prop "$name.armored_bytes" "$(stat -c %s "$asc")"
  prop "$name.mail_bytes" "$(stat -c %s "$mail")"
  prop "$name.packets" "$(packets "$asc")"
  log "$name mail: entity $(stat -c %s "$entity") bytes, armored message $(stat -c %s "$asc") bytes, id ${MAIL_ID[$name]}"
}
for s in "${SIZES[@]}"; do make_mail "$s" "${KIB[$s]}"; done

# ------------------------------------------------------------------------------------- through the API
# wait_file FILE: until MailBench has written FILE (it dies: the run fails with its last words)
wait_file() {
  while [[ ! -e "$1" ]]; do
    kill -0 "$MB_PID" 2>/dev/null || { wait "$MB_PID" || true; tail -30 "$WORK/mb.stderr" >&2; MB_PID=""; die "MailBench failed"; }
    sleep 0.05
  done
}
# scrape TAG: the Prometheus metrics of the services a read goes through (the emulator has none), to
# $WORK/metrics-<service>.TAG
scrape() {
  local w url
  for w in mail-service key-service gateway; do
    case $w in
      mail-service) url="$MS" ;; key-service) url="http://127.0.0.1:$(stack_prop 'process\.key-service-0\.port')" ;;
      gateway) url="$GW" ;;
    esac
    curl -s --max-time 10 -o "$WORK/metrics-$w.$1" "$url/q/metrics" || true
  done
}
# timer_mean SERVICE SIZE SELECTOR: a timer's mean over the measured phase (its sum and count between the two scrapes),
# in ms, and the count: "12.3 200". SELECTOR: the timer's name and a label that picks it, e.g.
# 'http_server_requests_seconds .*uri="/api/mail/message"'
timer_mean() {
  local name=${3%% *} label=${3#* } f0="$WORK/metrics-$1.$2.0" f1="$WORK/metrics-$1.$2.1"
  [[ -s "$f0" && -s "$f1" ]] || { echo "- -"; return; }
  awk -v name="$name" -v label="$label" '
    FNR == 1 { file++ }
    index($0, name "_count{") == 1 && $0 ~ label { c[file] += $NF }
    index($0, name "_sum{") == 1 && $0 ~ label { s[file] += $NF }
    END { n = c[2] - c[1]; if (n > 0) printf "%.1f %d\n", (s[2] - s[1]) * 1000 / n, n; else print "- 0" }' "$f0" "$f1"
}
MS_LOG="$STATE/$(stack_prop 'process\.mail-service-0\.log')"
MS_LOG_LINES0="$(wc -l <"$MS_LOG")"
prop stack.mail_service_rss_before_mib "$(awk '$1 == "VmRSS:" {printf "%.0f", $2 / 1024}' "/proc/${WPID[mail-service]}/status")"
for s in "${SIZES[@]}"; do
  # One MailBench per mail: the warm-up, then (once the script has waited for a quiet machine and noted the CPU
  # counters) the measured reads; its figures go to $PROPS (answer size, checks), its samples to $WORK/<size>.<path>.ms
  SYNC="$WORK/sync-$s"; mkdir -p "$SYNC"
  log "[$s] warm-up: ${WARMUP[$s]} reads per path (gateway and direct, alternately)"
  "$JAVA_HOME/bin/java" -Xmx512m -cp "$MB_CP" MailBench read --gateway "$GW" --direct "$MS" --master "$MASTER" \
    --session "$SESSION" --cookies "$COOKIES" --ua "$UA" --token "$TOKEN" --folder default0/INBOX --id "${MAIL_ID[$s]}" \
    --text-length "${TEXT_LEN[$s]}" --signer "$DAVE_FPR" --label "$s" --dir "$WORK" --out "$PROPS" --sync "$SYNC" \
    --warmup "${WARMUP[$s]}" --samples "${SAMPLES[$s]}" 2>>"$WORK/mb.stderr" &
  MB_PID=$!
  wait_file "$SYNC/warm"
  wait_for_quiet "$s.api"
  log "[$s] ${SAMPLES[$s]} reads per path, measured"
  scrape "$s.0"
  phase_begin
  touch "$SYNC/go"
  wait_file "$SYNC/done"
  phase_end "$s.api"
  scrape "$s.1"
  touch "$SYNC/exit"
  wait "$MB_PID" || { tail -30 "$WORK/mb.stderr" >&2; MB_PID=""; die "MailBench failed ($s)"; }
  MB_PID=""
  for p in gateway direct; do stats "$s.$p" "$WORK/$s.$p.ms"; done
  read -r mean n < <(timer_mean mail-service "$s" 'http_server_requests_seconds uri="/api/mail/message"')
  prop "$s.server.mail_service_ms" "$mean"; prop "$s.server.mail_service_n" "$n"
  read -r mean n < <(timer_mean key-service "$s" 'http_server_requests_seconds uri="/api/keys/internal/session-keys"')
  prop "$s.server.session_keys_ms" "$mean"; prop "$s.server.session_keys_n" "$n"
  read -r mean n < <(timer_mean key-service "$s" 'http_server_requests_seconds uri="/api/keys/internal/recipients"')
  prop "$s.server.recipients_ms" "$mean"; prop "$s.server.recipients_n" "$n"
  read -r mean n < <(timer_mean gateway "$s" 'guard_gateway_requests_seconds route="/api/mail/"')
  prop "$s.server.gateway_ms" "$mean"; prop "$s.server.gateway_n" "$n"
  log "[$s] p50/p99: gateway $(g "$s.gateway.p50_ms")/$(g "$s.gateway.p99_ms") ms, direct $(g "$s.direct.p50_ms")/$(g "$s.direct.p99_ms") ms"
done
prop stack.mail_service_rss_mib "$(awk '$1 == "VmHWM:" {printf "%.0f", $2 / 1024}' "/proc/${WPID[mail-service]}/status")"
# what mail-service logged at WARN or ERROR while the mails were read (none expected)
tail -n +$((MS_LOG_LINES0 + 1)) "$MS_LOG" | { grep -E ' (WARN|ERROR) ' || true; } >"$WORK/mail-service-warnings"
prop stack.mail_service_warnings "$(wc -l <"$WORK/mail-service-warnings")"
MS_WARN_NOTE=""
[[ -s "$WORK/mail-service-warnings" ]] && MS_WARN_NOTE=" (the first: \`$(head -1 "$WORK/mail-service-warnings" | cut -c1-200)\`)"

log "stopping the stack"
[[ -n "${BENCH_KEEP:-}" ]] && { cp -RL "$STATE/logs" "$WORK/stack-logs" 2>/dev/null || true; }
stack_down || die "guard down failed"
STACK_UP=0

# ------------------------------------------------------------------------------------------- gpg
# gpg_check NAME: one decryption of NAME's armored message, checked: plaintext = the entity, the signature good and
# made by dave's key, the message's integrity protection intact.
gpg_check() {
  local name=$1
  "${GPG_DEC[@]}" "${ASC[$name]}" >"$WORK/$name.out" 2>"$WORK/$name.status" \
    || { cat "$WORK/$name.status" >&2; die "gpg cannot decrypt the $name message"; }
  cmp -s "$WORK/$name.out" "$WORK/$name.eml" || die "gpg's plaintext of the $name message differs from the entity"
  grep -q "^\[GNUPG:\] VALIDSIG $DAVE_FPR" "$WORK/$name.status" || { cat "$WORK/$name.status" >&2; die "gpg: no VALIDSIG by dave ($name)"; }
  grep -q '^\[GNUPG:\] DECRYPTION_OKAY' "$WORK/$name.status" || die "gpg: no DECRYPTION_OKAY ($name)"
  grep -q '^\[GNUPG:\] GOODMDC' "$WORK/$name.status" || die "gpg: no GOODMDC ($name)"
  rm -f "$WORK/$name.out"
}
# gpg_series NAME N FILE: N timed decryptions (the whole gpg process, start-up included), one line of ms each in FILE;
# every run's status checked afterwards (GOODSIG by dave, DECRYPTION_OKAY)
gpg_series() {
  local name=$1 n=$2 out=$3 i t0 t1
  : >"$out"
  for i in $(seq 1 "$n"); do
    t0=${EPOCHREALTIME/./}
    "${GPG_DEC[@]}" "${ASC[$name]}" >/dev/null 2>"$WORK/gpg-status.$i" || { cat "$WORK/gpg-status.$i" >&2; die "gpg failed ($name)"; }
    t1=${EPOCHREALTIME/./}
    echo $(( t1 - t0 )) | awk '{ printf "%.3f\n", $1 / 1000 }' >>"$out"
  done
  for i in $(seq 1 "$n"); do
    grep -q "^\[GNUPG:\] VALIDSIG $DAVE_FPR" "$WORK/gpg-status.$i" && grep -q '^\[GNUPG:\] DECRYPTION_OKAY' "$WORK/gpg-status.$i" \
      || { cat "$WORK/gpg-status.$i" >&2; die "gpg run $i of $name: no good signature or decryption"; }
    rm -f "$WORK/gpg-status.$i"
  done
}
for s in "${SIZES[@]}"; do gpg_check "$s"; done
prop gpg.cipher "$(gpg --homedir "$GH" --batch --pinentry-mode error -v --decrypt "${ASC[small]}" 2>&1 >/dev/null \
  | grep -E 'encrypted data' | sed -n 1p | sed 's/^gpg: //')"
for s in "${SIZES[@]}"; do
  n="${SAMPLES[$s]}"
  for _ in $(seq 1 "$GPG_WARMUP"); do "${GPG_DEC[@]}" "${ASC[$s]}" >/dev/null 2>&1 || die "gpg failed ($s warm-up)"; done
  wait_for_quiet "$s.gpg"
  log "gpg: $n decryptions of the $s message"
  phase_begin
  gpg_series "$s" "$n" "$WORK/$s.gpg.ms"
  phase_end "$s.gpg"
  stats "$s.gpg" "$WORK/$s.gpg.ms"
  log "gpg $s: p50/p99 $(g "$s.gpg.p50_ms")/$(g "$s.gpg.p99_ms") ms"
done

# ---------------------------------------------------------------------------------- the report
prop machine.other_java "$(other_java)"
prop machine.load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
prop run.end "$(date -u '+%F %T')"
prop run.seconds $((SECONDS - RUN_T0))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
for s in "${SIZES[@]}"; do
  for q in p50 p99; do
    prop "$s.gateway_share.$q" "$(minus "$(g "$s.gateway.${q}_ms")" "$(g "$s.direct.${q}_ms")")"
    prop "$s.ratio_gateway_gpg.$q" "$(ratio "$(g "$s.gateway.${q}_ms")" "$(g "$s.gpg.${q}_ms")")"
    prop "$s.ratio_direct_gpg.$q" "$(ratio "$(g "$s.direct.${q}_ms")" "$(g "$s.gpg.${q}_ms")")"
  done
  # what the size adds: p50 minus the ~1 KiB mail's p50 (the fixed cost of a read, resp. of a gpg process)
  for p in gateway direct gpg; do prop "$s.$p.above_tiny_p50_ms" "$(minus "$(g "$s.$p.p50_ms")" "$(g "tiny.$p.p50_ms")")"; done
  # CPU per read: mail-service and key-service serve both paths, the gateway only the gateway's reads
  n="${SAMPLES[$s]}"; reads=$((2 * n))
  for w in mail_service key_service emulator; do
    prop "$s.cpu_per_read_ms.$w" "$(awk -v c="$(g "phase.$s.api.cpu_${w}_s")" -v r="$reads" 'BEGIN { printf "%.1f", c * 1000 / r }')"
  done
  prop "$s.cpu_per_read_ms.gateway" "$(awk -v c="$(g "phase.$s.api.cpu_gateway_s")" -v r="$n" 'BEGIN { printf "%.1f", c * 1000 / r }')"
  prop "$s.cpu_per_read_ms.gpg" "$(awk -v c="$(g "phase.$s.gpg.cpu_clients_s")" -v r="$n" 'BEGIN { printf "%.1f", c * 1000 / r }')"
done
label() { case $1 in tiny) echo "~1 KiB" ;; small) echo "~${KIB[small]} KiB" ;; large) echo "~$(awk -v k="${KIB[large]}" 'BEGIN { printf "%g", k / 1024 }') MiB" ;; *) echo "$1" ;; esac; }
row() { # SIZE PATH NAME
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(label "$1")" "$3" "$(g "$1.$2.n")" "$(g "$1.$2.p50_ms")" \
    "$(g "$1.$2.p90_ms")" "$(g "$1.$2.p99_ms")" "$(g "$1.$2.min_ms")" "$(g "$1.$2.max_ms")" "$(g "$1.$2.mean_ms")"
}

mkdir -p "$(dirname "$RESULTS")"
{
  echo "# Mail benchmark, $DATE"
  echo
  echo "\`bench/mail-bench.sh\` at $(g run.git), $(g run.start) UTC. Three PGP/MIME mails (RFC 3156 multipart/encrypted) from an"
  echo "outside sender, dave (a gpg key, $(g key.dave); his public key in alice's Guard keyring), signed and encrypted by"
  echo "gpg to alice's Guard key ($(g key.alice)), delivered into her INBOX at the stack's groupware emulator, and read"
  echo "again and again with \`GET /api/mail/message?folder=default0/INBOX&id=…\` and her unlock token (mail-service fetches the raw"
  echo "mail from the groupware with her session, key-service decrypts the session key, mail-service decrypts the body,"
  echo "looks dave's key up through key-service and checks his signature, and answers the mail as JSON with the text);"
  echo "alternately **through the gateway** (her session parameter, cookies and User-Agent, as a browser) and **straight to"
  echo "mail-service** (a fresh internal identity per request, signed as the gateway does), one keep-alive HTTP/1.1"
  echo "connection per path (\`MailBench.java\`). Then, with the stack stopped, \`gpg --decrypt\` of the same armored"
  echo "messages, which checks dave's signature while decrypting. Latency: request sent → last byte of the answer"
  echo "(MailBench), or the whole gpg process (start-up included). Local stack: \`guard up --replicas 1\`, key cache off."
  echo
  echo "## Latency, ms"
  echo
  echo "| mail | read | n | p50 | p90 | p99 | min | max | mean |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for s in "${SIZES[@]}"; do
    row "$s" gateway "API through the gateway"
    row "$s" direct "API straight to mail-service"
    row "$s" gpg "\`gpg --decrypt\`"
  done
  echo
  echo "Percentiles by nearest rank: with 100 samples p99 is the second-slowest, with 30 it is the slowest (= max)."
  echo
  echo "| mail | gateway's share, p50 / p99 (gateway − direct) | API ÷ gpg, p50 / p99: gateway (direct) | what the size adds to p50 (p50 − the ~1 KiB mail's): gateway / direct / gpg |"
  echo "|---|---:|---:|---:|"
  for s in "${SIZES[@]}"; do
    echo "| $(label "$s") | $(g "$s.gateway_share.p50") / $(g "$s.gateway_share.p99") ms | $(g "$s.ratio_gateway_gpg.p50")× / $(g "$s.ratio_gateway_gpg.p99")× ($(g "$s.ratio_direct_gpg.p50")× / $(g "$s.ratio_direct_gpg.p99")×) | $(g "$s.gateway.above_tiny_p50_ms") / $(g "$s.direct.above_tiny_p50_ms") / $(g "$s.gpg.above_tiny_p50_ms") ms |"
  done
  echo
  echo "The ~1 KiB mail measures the fixed cost of one read: for the API the HTTP hops, the groupware fetch, the two"
  echo "key-service calls (session key, sender's keys) and the JSON; for gpg its process start, keyrings, gpg-agent, one"
  echo "public-key decryption and one signature check. \"What the size adds\" takes that away: the bulk work (decryption,"
  echo "decompression, hashing for the signature, MIME parsing, moving the bytes)."
  echo
  echo "Mean time inside each service over the measured reads, by its own timer (\`/q/metrics\`: Quarkus' HTTP server timer, the"
  echo "gateway's route timer), ms (number of requests); the reads' own mean (MailBench) for comparison:"
  echo
  echo "| mail | read, mean: gateway / direct | gateway's timer, \`/api/mail/\` | mail-service, \`GET /api/mail/message\` | key-service, session key | key-service, sender's keys |"
  echo "|---|---:|---:|---:|---:|---:|"
  for s in "${SIZES[@]}"; do
    echo "| $(label "$s") | $(g "$s.gateway.mean_ms") / $(g "$s.direct.mean_ms") | $(g "$s.server.gateway_ms") ($(g "$s.server.gateway_n")) | $(g "$s.server.mail_service_ms") ($(g "$s.server.mail_service_n")) | $(g "$s.server.session_keys_ms") ($(g "$s.server.session_keys_n")) | $(g "$s.server.recipients_ms") ($(g "$s.server.recipients_n")) |"
  done
  echo
  echo "## CPU"
  echo
  echo "CPU per read, ms (the measured phase's CPU ÷ its reads; mail-service, key-service and the emulator serve both"
  echo "paths, the gateway only the gateway's reads; MailBench's own JVM is not in these):"
  echo
  echo "| mail | mail-service | key-service | groupware emulator (serves the raw mail) | gateway | gpg (process, per decryption) |"
  echo "|---|---:|---:|---:|---:|---:|"
  for s in "${SIZES[@]}"; do
    echo "| $(label "$s") | $(g "$s.cpu_per_read_ms.mail_service") | $(g "$s.cpu_per_read_ms.key_service") | $(g "$s.cpu_per_read_ms.emulator") | $(g "$s.cpu_per_read_ms.gateway") | $(g "$s.cpu_per_read_ms.gpg") |"
  done
  echo
  echo "Per phase (seconds of CPU over the phase; \"other processes\": CPU the machine spent on processes that are not the"
  echo "benchmark's, neither the stack nor MailBench/gpg, in % of one core of $(g machine.nproc); above ~10 % the phase was disturbed):"
  echo
  echo "| phase | wall s | mail-service | key-service | emulator | gateway | whole stack | MailBench / gpg | other processes before / during | load avg |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for s in "${SIZES[@]}"; do
    ph="$s.api"
    echo "| $(label "$s") API | $(g "phase.$ph.seconds") | $(g "phase.$ph.cpu_mail_service_s") | $(g "phase.$ph.cpu_key_service_s") | $(g "phase.$ph.cpu_emulator_s") | $(g "phase.$ph.cpu_gateway_s") | $(g "phase.$ph.cpu_stack_s") | $(g "phase.$ph.cpu_clients_s") | $(g "phase.$ph.foreign_before_pct")% / $(g "phase.$ph.foreign_pct")% | $(g "phase.$ph.load") |"
  done
  for s in "${SIZES[@]}"; do
    ph="$s.gpg"
    echo "| $(label "$s") gpg | $(g "phase.$ph.seconds") | – | – | – | – | – | $(g "phase.$ph.cpu_clients_s") | $(g "phase.$ph.foreign_before_pct")% / $(g "phase.$ph.foreign_pct")% | $(g "phase.$ph.load") |"
  done
  echo
  echo "## What was compared"
  echo
  for s in "${SIZES[@]}"; do
    echo "- $(label "$s") mail: a text/plain entity of $(g "$s.entity_bytes") bytes ($(g "$s.text_chars") characters of text: lines of"
    echo "  base64 of random bytes), signed and encrypted by gpg into $(g "$s.armored_bytes") armored bytes, $(g "$s.mail_bytes") bytes as a mail;"
    echo "  the API's answer: $(g "$s.gateway.answer_bytes") bytes of JSON"
  done
  echo "- the messages' packets (gpg --list-packets): $(g small.packets); gpg reads them as \"$(g gpg.cipher)\""
  echo "- every API answer (warm-up included): $(g small.gateway.checked)"
  echo "- every gpg run: VALIDSIG by dave's key and DECRYPTION_OKAY in its status output; one more run per message: the"
  echo "  plaintext equal to the entity, GOODMDC"
  echo "- gpg: \`${GPG_DEC[*]/#$GH/<home>} <message.asc> >/dev/null\`, alice's key exported from Guard"
  echo "  (\`POST /api/keys/{fp}/export\`) and its passphrase **removed** in that home (\`gpg --passwd\`): no passphrase, no"
  echo "  S2K per decryption, as the service reads with an unlock token and hashes no password per read; dave's public key"
  echo "  imported; gpg-agent running throughout (its CPU counts as the benchmark's)"
  echo "- the API reads: $(g config.tiny.warmup) / $(g config.small.warmup) / $(g config.large.warmup) unmeasured reads per path (JIT warm-up) before the measured ones"
  echo "  of each mail, in the same MailBench JVM; then a wait for a quieter machine (at most $IDLE_WAIT s)"
  echo "- mail-service: heap limit $(g stack.mail_service_heap) (guard up's); VmRSS $(g stack.mail_service_rss_before_mib) MiB before the first read, VmHWM"
  echo "  $(g stack.mail_service_rss_mib) MiB at the end; $(g stack.mail_service_warnings) WARN/ERROR lines in its log while the mails were read${MS_WARN_NOTE}"
  echo "- what the API does that gpg does not: HTTP, the session check and internal identity (gateway), fetching the raw"
  echo "  mail from the groupware over HTTP as the user, MIME parsing outside and inside, a key-service round trip for the"
  echo "  session key and one for dave's key (with its revocation/expiry status), JSON out; what gpg does that the API does"
  echo "  not: start a process, read its keyrings, talk to gpg-agent"
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(g machine.cpu), nproc $(g machine.nproc), AES-NI $(g machine.aes_ni); load average at start $(g machine.load_start), at the end $(g machine.load_end)"
  echo "- memory: $(g machine.memory)"
  echo "- kernel: $(g machine.kernel); $(g machine.os)"
  echo "- JDK: $(g machine.jdk) (the services are the Java 21 build); $(g machine.gpg), $(g machine.libgcrypt)"
  echo "- other java processes on the machine: $(g machine.other_java_start) at the start, $(g machine.other_java) at the end; the run took $(g run.seconds) s"
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
sort "$PROPS" >"${RESULTS%.md}.properties"

echo
cat "$RESULTS"
echo
log "written to $RESULTS (raw figures: ${RESULTS%.md}.properties) in $((SECONDS - RUN_T0))s"
exit 0
