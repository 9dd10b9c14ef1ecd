#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind: repeatable where req/s is not (the
# same binary and load give the same count whatever else the machine is doing, so a change of a
# few per cent shows, where throughput on these shared 2-core machines varies by ±15%).
#
#   bench/instructions.sh                       # accountd's cached and uncached GET, and the baseline
#   BINARY=/tmp/accountd.old bench/instructions.sh    # an older build, for an A/B
#
# Counts user-space instructions only (not the kernel's, nor time lost to cache misses: a lookup
# in a 1.5 GB database costs far more than its instructions, docs/benchmarks.md). Each scenario:
# the server starts under callgrind with instrumentation off, warms up, then `wrk -c4` runs for
# DURATION seconds with instrumentation on; the count is divided by the requests wrk completed.
# Requests are `GET /users/{uid}` for 200 users of a USERS-user account, picked at random.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

USERS=${USERS:-2000}
DURATION=${DURATION:-10}
PORT=${PORT:-8694}
BINARY=${BINARY:-target/release/accountd}
WORK=${WORK:-$(mktemp -d /tmp/accountd-instructions.XXXXXX)}
ACCOUNT=7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c
mkdir -p "$WORK"

command -v wrk >/dev/null || { echo "instructions: installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null; }
command -v valgrind >/dev/null || { echo "instructions: installing valgrind (Debian package)"; apt-get install -y -qq valgrind >/dev/null; }
echo "instructions: building release binaries"
cargo build --release -q -p accountd-server -p accountd-bench

cat > "$WORK/bootstrap.yaml" <<YAML
accounts:
  - uuid: $ACCOUNT
    name: Instructions
    oauthClients:
      - {clientId: dt0s02.INSTR, clientSecret: dt0s02.INSTR.SECRET, scopes: [account-idm-read]}
YAML
DB="sqlite://$WORK/instructions.db"
[ -f "$WORK/instructions.db" ] || target/release/accountd-seed --database "$DB" \
  --bootstrap "$WORK/bootstrap.yaml" --users "$USERS" >/dev/null

# A fresh token each run (an old script's token may have expired: 401s measure the wrong thing).
rm -f "$WORK/get.lua"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT

# measure NAME LABEL COMMAND...: runs COMMAND (a server on $PORT) under callgrind; prints
# instructions per request of the wrk load in $WORK/get.lua as a table row.
measure() {
  local name=$1 label=$2; shift 2
  local out="$WORK/callgrind.$name"
  rm -f "$out"
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" "$@" \
    >"$WORK/$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
  if [ ! -f "$WORK/get.lua" ]; then
    local token
    token=$(curl -s -u dt0s02.INSTR:dt0s02.INSTR.SECRET "http://127.0.0.1:$PORT/sso/oauth2/token" \
      -d grant_type=client_credentials | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
    curl -s -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$PORT/iam/v1/accounts/$ACCOUNT/users?pageSize=200" |
      grep -o '"uid":"[^"]*"' | cut -d'"' -f4 > "$WORK/uids.txt"
    get_user_lua "$WORK/uids.txt" "$token" "$ACCOUNT" > "$WORK/get.lua"
  fi
  wrk -t1 -c4 -d3s -s "$WORK/get.lua" "http://127.0.0.1:$PORT" >/dev/null
  callgrind_control -i on "$server" >/dev/null 2>&1
  wrk -t1 -c4 -d"${DURATION}s" -s "$WORK/get.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.$name"
  callgrind_control -i off "$server" >/dev/null 2>&1
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  local requests total
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.$name")
  if grep -q "Non-2xx" "$WORK/wrk.$name"; then
    echo "instructions: $name: some requests failed:" >&2; cat "$WORK/wrk.$name" >&2; exit 1
  fi
  total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  printf '| %s | %s | %s |\n' "$label" "$requests" "$(( total / requests ))"
}

export RUST_LOG=warn
serve=("$BINARY" serve --database "$DB" --listen "127.0.0.1:$PORT" --bootstrap "$WORK/bootstrap.yaml")

echo "| scenario | requests | instructions per request |"
echo "|---|---:|---:|"
# accountd first: its first run issues the token the wrk script carries (the baseline cannot).
measure cached "\`GET /users/{uid}\`, from the user cache" "${serve[@]}"
measure uncached "\`GET /users/{uid}\`, user cache off (every read from SQLite)" "${serve[@]}" --sqlite-user-cache 0
measure baseline "baseline: bare axum, the same requests" target/release/accountd-baseline --listen "127.0.0.1:$PORT"
echo "binary: $BINARY; $USERS users; wrk -t1 -c4 -d${DURATION}s under callgrind; $(valgrind --version)"
