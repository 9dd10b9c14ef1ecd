#!/usr/bin/env bash
# Overload: drives authenticated GET /users/{uid} with the normal load (64 connections), then
# with ten times as many connections, then with the normal load again, and samples accountd's
# memory and a probe request's latency every second throughout. Shows that under 10x the
# connections the server keeps answering (slower, never refusing or dropping connections), that
# its memory stays bounded, and that it is back to normal as soon as the load drops.
#
#   bench/overload.sh                         # 100,000 users, 15 s per phase
#   USERS=1000000 PHASE=30 bench/overload.sh
#
# Bounded: three phases of PHASE seconds; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

USERS=${USERS:-100000}
PHASE=${PHASE:-15}
NORMAL=${NORMAL:-64}
OVERLOAD=$((NORMAL * 10))
WORK=${WORK:-$(mktemp -d /tmp/accountd-overload.XXXXXX)}
mkdir -p "$WORK"
PORT=${PORT:-8692}
ACCOUNT=7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c
BASE=http://127.0.0.1:$PORT
RESULTS=bench/results
mkdir -p "$RESULTS"
command -v wrk >/dev/null || { echo "overload: installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null; }
# wrk and accountd each need a descriptor per connection.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cargo build --release -q -p accountd-server -p accountd-bench
cat > "$WORK/bootstrap.yaml" <<YAML
accounts:
  - uuid: $ACCOUNT
    name: Overload
    oauthClients:
      - {clientId: dt0s02.OVERLOAD, clientSecret: dt0s02.OVERLOAD.SECRET, scopes: [account-idm-read]}
YAML
DB="sqlite://$WORK/overload.db"
[ -f "$WORK/overload.db" ] || target/release/accountd-seed --database "$DB" --bootstrap "$WORK/bootstrap.yaml" --users "$USERS"

RUST_LOG=warn target/release/accountd serve --database "$DB" --listen 127.0.0.1:$PORT \
  --bootstrap "$WORK/bootstrap.yaml" --token-ttl 3600 >"$WORK/accountd.log" 2>&1 &
PID=$!
SAMPLER=""
trap 'kill $PID ${SAMPLER:-} 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf $BASE/readyz >/dev/null && break; sleep 0.1; done

TOKEN=$(curl -s -u dt0s02.OVERLOAD:dt0s02.OVERLOAD.SECRET $BASE/sso/oauth2/token -d grant_type=client_credentials \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
API=$BASE/iam/v1/accounts/$ACCOUNT
curl -s -H "Authorization: Bearer $TOKEN" "$API/users?pageSize=1000" | grep -o '"uid":"[^"]*"' | cut -d'"' -f4 > "$WORK/uids.txt"
PROBE_UID=$(head -n 1 "$WORK/uids.txt")
get_user_lua "$WORK/uids.txt" "$TOKEN" "$ACCOUNT" > "$WORK/get_user.lua"

# One line a second: elapsed seconds, anonymous RSS (MB), total RSS (MB), threads, open
# descriptors, and the status and latency (ms) of one probe request made alongside the load.
sample() {
  local start; start=$(date +%s.%N)
  while kill -0 "$PID" 2>/dev/null; do
    local now anon total threads fds probe
    now=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN {printf "%.0f", n - s}')
    anon=$(awk '/RssAnon/ {printf "%.1f", $2/1024}' /proc/$PID/status)
    total=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$PID/status)
    threads=$(awk '/Threads/ {print $2}' /proc/$PID/status)
    fds=$(ls /proc/$PID/fd | wc -l)
    probe=$(curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$API/users/$PROBE_UID" || echo "000 10")
    echo "$now $anon $total $threads $fds $probe"
    sleep 1
  done
}
sample > "$WORK/samples.txt" &
SAMPLER=$!

phase() {
  local name=$1 connections=$2
  local out; out=$(wrk -t2 -c"$connections" -d"${PHASE}s" --latency --timeout 10s -s "$WORK/get_user.lua" "$BASE")
  echo "$out" > "$WORK/wrk-$name.txt"
  local rps p50 p99 non2xx errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}'); non2xx=${non2xx:-0}
  errors=$(echo "$out" | awk '/Socket errors/ {print $0}' | sed 's/^ *Socket errors: //'); errors=${errors:-none}
  echo "| $name | $connections | $rps | $p50 | $p99 | $non2xx | $errors |"
}

{
  echo "| phase | connections | req/s | p50 | p99 | non-2xx | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  phase normal "$NORMAL"
  phase overload "$OVERLOAD"
  phase recovered "$NORMAL"
} | tee "$WORK/phases.md"
sleep 1
kill "$SAMPLER" 2>/dev/null || true

summary() {
  # phase boundaries in seconds since sampling started
  awk -v p="$PHASE" '
    { phase = ($1 < p) ? "normal" : ($1 < 2 * p) ? "overload" : "recovered"
      n[phase]++; if ($2 > anon[phase]) anon[phase] = $2; if ($3 > total[phase]) total[phase] = $3
      if ($5 > fds[phase]) fds[phase] = $5; if ($6 != "200") bad[phase]++
      lat[phase] = lat[phase] " " $7 }
    END { for (ph in n) printf "%s: peak anon RSS %s MB, peak total RSS %s MB, peak descriptors %s, probes not 200: %d of %d\n",
          ph, anon[ph], total[ph], fds[ph], bad[ph], n[ph] }' "$WORK/samples.txt" | sort
}
{
  cat "$WORK/phases.md"
  echo
  summary
  echo "machine: $(nproc) cores; wrk -t2, ${PHASE}s per phase; $USERS users"
} | tee "$RESULTS/overload-latest.md"
