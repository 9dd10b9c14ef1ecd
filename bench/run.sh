#!/usr/bin/env bash
# Reproducible benchmarks of accountd against a bare axum baseline measured in the same run.
#
#   bench/run.sh                 # 1,000,000 users, 10 s per scenario
#   USERS=100000 DURATION=5 bench/run.sh
#
# Builds release binaries, seeds a SQLite database through the store (not through HTTP), starts
# accountd and the baseline on 127.0.0.1, and drives each scenario with wrk (Debian package)
# for a bounded time. Prints a Markdown table (absolute figures and the ratio to the baseline)
# and writes it to bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-1000000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
WORK=${WORK:-$(mktemp -d /tmp/accountd-bench.XXXXXX)}
ACCOUNTD_PORT=${ACCOUNTD_PORT:-8691}
BASELINE_PORT=${BASELINE_PORT:-8699}
ACCOUNT=7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c
BASE=http://127.0.0.1:$ACCOUNTD_PORT
RESULTS=bench/results
mkdir -p "$RESULTS"

command -v wrk >/dev/null || { echo "bench: installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null; }

echo "bench: building release binaries"
cargo build --release -q -p accountd-server -p accountd-bench

cat > "$WORK/bootstrap.yaml" <<YAML
accounts:
  - uuid: $ACCOUNT
    name: Bench
    environments:
      - {id: bench0001, name: Production}
    oauthClients:
      - {clientId: dt0s02.BENCH, clientSecret: dt0s02.BENCH.SECRET, scopes: [account-idm-read, account-idm-write, account-env-read]}
    scimTokens:
      - {name: bench, token: dt0s01.BENCHSCIM.BENCHSCIMSECRET0123456789}
YAML

DB="sqlite://$WORK/bench.db"
if [ ! -f "$WORK/bench.db" ]; then
  echo "bench: seeding $USERS users through the store"
  target/release/accountd-seed --database "$DB" --bootstrap "$WORK/bootstrap.yaml" --users "$USERS"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

target/release/accountd-baseline --listen 127.0.0.1:$BASELINE_PORT & pids+=($!)
RUST_LOG=warn target/release/accountd serve --database "$DB" --listen 127.0.0.1:$ACCOUNTD_PORT \
  --bootstrap "$WORK/bootstrap.yaml" --token-ttl 3600 >"$WORK/accountd.log" 2>&1 & ACCOUNTD_PID=$!; pids+=($ACCOUNTD_PID)
for _ in $(seq 1 100); do curl -sf $BASE/readyz >/dev/null && curl -sf http://127.0.0.1:$BASELINE_PORT/x >/dev/null && break; sleep 0.1; done

# Anonymous memory (heap, stacks) and file-backed pages (the memory-mapped database, which the
# kernel can drop at any time) separately: VmRSS alone counts the database cache as "memory".
rss_mb() { awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.1f MB anon + %.1f MB file", a/1024, f/1024}' /proc/"$1"/status; }
RSS_IDLE=$(rss_mb $ACCOUNTD_PID)

TOKEN=$(curl -s -u dt0s02.BENCH:dt0s02.BENCH.SECRET $BASE/sso/oauth2/token -d grant_type=client_credentials \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
AUTH="Authorization: Bearer $TOKEN"
API=$BASE/iam/v1/accounts/$ACCOUNT

# 1,000 real uids for the point-lookup scenario, and their emails for SCIM's userName filter.
curl -s -H "$AUTH" "$API/users?pageSize=1000" > "$WORK/first_page.json"
grep -o '"uid":"[^"]*"' "$WORK/first_page.json" | cut -d'"' -f4 > "$WORK/uids.txt"
grep -o '"email":"[^"]*"' "$WORK/first_page.json" | cut -d'"' -f4 > "$WORK/emails.txt"
SCIM_TOKEN=dt0s01.BENCHSCIM.BENCHSCIMSECRET0123456789
# A group for the membership scenario.
GROUP=$(curl -s -H "$AUTH" -H 'Content-Type: application/json' "$API/groups" \
  -d "{\"name\":\"bench-$(date +%s)\"}" | grep -o '"groupId":"[^"]*"' | cut -d'"' -f4)
# A page key ~9,000 pages of 100 deep: walk with pages of 1,000, then ask for 100.
DEEP_PAGES=$(( USERS / 1000 * 9 / 10 ))
KEY=""
for _ in $(seq 1 "$DEEP_PAGES"); do
  url="$API/users?pageSize=1000"; [ -n "$KEY" ] && url="$API/users?pageSize=1000&nextPageKey=$KEY"
  KEY=$(curl -s -H "$AUTH" "$url" | grep -o '"nextPageKey":"[^"]*"' | cut -d'"' -f4)
done

cat > "$WORK/get_user.lua" <<LUA
local uids = {}
for line in io.lines("$WORK/uids.txt") do uids[#uids + 1] = line end
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  return wrk.format("GET", "/iam/v1/accounts/$ACCOUNT/users/" .. uids[math.random(#uids)])
end
LUA
cat > "$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat > "$WORK/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'dt0s02.BENCH:dt0s02.BENCH.SECRET' | base64 -w0)"
LUA
cat > "$WORK/create_user.lua" <<LUA
local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = '{"email":"w' .. prefix .. '-' .. counter .. '@example.com","firstName":"Load","lastName":"Test"}'
  return wrk.format(nil, "/iam/v1/accounts/$ACCOUNT/users", nil, body)
end
LUA

cat > "$WORK/add_member.lua" <<LUA
local uids = {}
for line in io.lines("$WORK/uids.txt") do uids[#uids + 1] = line end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body = '["' .. uids[math.random(#uids)] .. '"]'
  return wrk.format(nil, "/iam/v1/accounts/$ACCOUNT/groups/$GROUP/users", nil, body)
end
LUA
cat > "$WORK/scim_create.lua" <<LUA
local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $SCIM_TOKEN"
wrk.headers["Content-Type"] = "application/scim+json"
request = function()
  counter = counter + 1
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"s' .. prefix .. '-' .. counter
    .. '@example.com","name":{"givenName":"Load","familyName":"Test"},"active":true}'
  return wrk.format(nil, "/idm/public/scim/$ACCOUNT/v2/Users", nil, body)
end
LUA
cat > "$WORK/scim_filter.lua" <<LUA
local emails = {}
for line in io.lines("$WORK/emails.txt") do emails[#emails + 1] = line end
wrk.headers["Authorization"] = "Bearer $SCIM_TOKEN"
request = function()
  local filter = 'userName%20eq%20%22' .. emails[math.random(#emails)] .. '%22'
  return wrk.format("GET", "/idm/public/scim/$ACCOUNT/v2/Users?filter=" .. filter)
end
LUA

# run NAME URL [SCRIPT] -> "req/s p50 p99 errors"
run() {
  local name=$1 url=$2 script=${3:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  local out; out=$(wrk "${args[@]}" "$url")
  echo "$out" > "$WORK/wrk-$name.txt"
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}'); errors=${errors:-0}
  echo "$rps $p50 $p99 $errors"
}

echo "bench: running scenarios (${DURATION}s each, $THREADS wrk thread(s), $CONNECTIONS connections)"
read -r B_RPS B_P50 B_P99 B_ERR < <(run baseline "http://127.0.0.1:$BASELINE_PORT/iam/v1/x")
read -r P_RPS P_P50 P_P99 P_ERR < <(run baseline_page "http://127.0.0.1:$BASELINE_PORT/page/100")
read -r G_RPS G_P50 G_P99 G_ERR < <(run get_user "$BASE" "$WORK/get_user.lua")
RSS_LOAD=$(rss_mb $ACCOUNTD_PID)
read -r F_RPS F_P50 F_P99 F_ERR < <(run list_first "$API/users?pageSize=100" "$WORK/auth.lua")
read -r D_RPS D_P50 D_P99 D_ERR < <(run list_deep "$API/users?pageSize=100&nextPageKey=$KEY" "$WORK/auth.lua")
read -r T_RPS T_P50 T_P99 T_ERR < <(run token "$BASE/sso/oauth2/token" "$WORK/token.lua")
read -r C_RPS C_P50 C_P99 C_ERR < <(run create_user "$BASE" "$WORK/create_user.lua")
read -r M_RPS M_P50 M_P99 M_ERR < <(run add_member "$BASE" "$WORK/add_member.lua")
read -r S_RPS S_P50 S_P99 S_ERR < <(run scim_create "$BASE" "$WORK/scim_create.lua")
read -r Q_RPS Q_P50 Q_P99 Q_ERR < <(run scim_filter "$BASE" "$WORK/scim_filter.lua")
RSS_END=$(rss_mb $ACCOUNTD_PID)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v } else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 } else print v }'; }

{
  echo "| scenario | req/s | × baseline | p50 ms | p99 ms | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| baseline: bare axum, fixed JSON | $B_RPS | 1.00 | $(ms "$B_P50") | $(ms "$B_P99") | $B_ERR |"
  echo "| GET /users/{uid} ($USERS users) | $G_RPS | $(ratio "$G_RPS" "$B_RPS") | $(ms "$G_P50") | $(ms "$G_P99") | $G_ERR |"
  echo "| baseline: bare axum, a fixed page of 100 users | $P_RPS | 1.00 (page) | $(ms "$P_P50") | $(ms "$P_P99") | $P_ERR |"
  echo "| GET /users?pageSize=100, first page | $F_RPS | $(ratio "$F_RPS" "$B_RPS"); $(ratio "$F_RPS" "$P_RPS") (page) | $(ms "$F_P50") | $(ms "$F_P99") | $F_ERR |"
  echo "| GET /users?pageSize=100, ~9,000 pages deep | $D_RPS | $(ratio "$D_RPS" "$B_RPS"); $(ratio "$D_RPS" "$P_RPS") (page) | $(ms "$D_P50") | $(ms "$D_P99") | $D_ERR |"
  echo "| POST /sso/oauth2/token | $T_RPS | $(ratio "$T_RPS" "$B_RPS") | $(ms "$T_P50") | $(ms "$T_P99") | $T_ERR |"
  echo "| POST /users (durable) | $C_RPS | $(ratio "$C_RPS" "$B_RPS") | $(ms "$C_P50") | $(ms "$C_P99") | $C_ERR |"
  echo "| POST /groups/{id}/users (membership add) | $M_RPS | $(ratio "$M_RPS" "$B_RPS") | $(ms "$M_P50") | $(ms "$M_P99") | $M_ERR |"
  echo "| SCIM POST /Users (durable) | $S_RPS | $(ratio "$S_RPS" "$B_RPS") | $(ms "$S_P50") | $(ms "$S_P99") | $S_ERR |"
  echo "| SCIM GET /Users?filter=userName eq … | $Q_RPS | $(ratio "$Q_RPS" "$B_RPS") | $(ms "$Q_P50") | $(ms "$Q_P99") | $Q_ERR |"
  echo
  echo "deep/first p50 latency: $(ratio "$(ms "$D_P50")" "$(ms "$F_P50")")"
  echo "RSS: idle ${RSS_IDLE}; after the GET load ${RSS_LOAD}; at the end ${RSS_END}"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
} | tee "$RESULTS/latest.md"
