#!/usr/bin/env bash
# Schemathesis conformance runs (issue 7): every check, every phase, both generation modes, a
# fixed seed, bounded examples and time; twice: against the served /openapi.json and against the
# seed specification (../shared/spec/seed-account-management.openapi.yaml). Each run gets a fresh
# accountd (debug build) with ci/schemathesis/bootstrap.yaml: two accounts, each with a client
# holding all four scopes. Exits non-zero when a run reports a failure or an error.
#
# Knobs: ST_MAX_EXAMPLES (default 40), ST_MAX_TIME (seconds per run, default 170), ST_SEED (7).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SEED_SPEC="$ROOT/../shared/spec/seed-account-management.openapi.yaml"
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-40}
MAX_TIME=${ST_MAX_TIME:-170}
SEED=${ST_SEED:-7}
ACCOUNT=0b6f3c2e-6a51-4c8e-9d4a-5f1e2a3b4c01

if [ ! -f "$SEED_SPEC" ]; then
  echo "schemathesis: the seed specification is missing at $SEED_SPEC" >&2
  exit 1
fi

# A pinned schemathesis in the repo's (git-ignored) .venv.
if ! .venv/bin/schemathesis --version 2>/dev/null | grep -q 'version 4.32.5$'; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
.venv/bin/schemathesis --version

cargo build --quiet -p accountd-server

WORK=$(mktemp -d)
PID=""
stop_server() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A fresh accountd on a fresh database. The admin API is on, but schemathesis has no admin token
# (the admin routes answer 401); failed client authentications are not throttled, because
# schemathesis sends thousands of them on purpose.
start_server() {
  local name=$1
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  ${CARGO_TARGET_DIR:-target}/debug/accountd serve --listen "127.0.0.1:$PORT" --database "sqlite://$WORK/$name.db" \
    --bootstrap ci/schemathesis/bootstrap.yaml --token-ttl 3600 \
    --auth-failure-limit 1000000/s --admin-token "schemathesis-has-no-admin-token-$RANDOM$RANDOM" \
    > "$WORK/$name-server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$BASE/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "accountd did not start:" >&2
  cat "$WORK/$name-server.log" >&2
  exit 1
}

SUMMARY=()
FAILED=0
run() {
  local name=$1 spec=$2
  shift 2
  start_server "$name"
  curl -sf "$BASE/openapi.json" > "$WORK/served-openapi.json"
  # The run's own copy of the configuration: schemathesis and Hypothesis write caches beside it.
  rm -rf "$WORK/st" && cp -r ci/schemathesis "$WORK/st"
  [ "$spec" = served ] && spec="$BASE/openapi.json"
  echo "== schemathesis ($name): $spec"
  local status=0
  (
    cd "$WORK/st"
    env ACCOUNTD_URL="$BASE" ACCOUNTD_ACCOUNT="$ACCOUNT" ACCOUNTD_SERVED_OPENAPI="$WORK/served-openapi.json" \
      SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$WORK/st" "$@" \
      "$ROOT/.venv/bin/schemathesis" run "$spec" --url "$BASE" \
      --checks all --mode all --phases examples,coverage,fuzzing,stateful \
      --seed "$SEED" --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" \
      --generation-database none --no-color --workers 1
  ) > "$WORK/$name.txt" 2>&1 || status=$?
  stop_server
  # The report: failures in full, warnings, then the summary.
  sed -nE '/^=+ (FAILURES|WARNINGS) =+$/,$p' "$WORK/$name.txt" | head -600
  grep '^\[hooks\]' "$WORK/$name.txt" || true
  local last
  last=$(grep -E '^=+ .* in [0-9.]+s =+$' "$WORK/$name.txt" | tail -n 1 || true)
  SUMMARY+=("schemathesis $name: exit $status: ${last:-no summary line (see above)}")
  if [ "$status" -ne 0 ]; then
    FAILED=1
    [ -z "$last" ] && tail -50 "$WORK/$name.txt"
  fi
}

run served served
run seed "$SEED_SPEC" ACCOUNTD_SEED_RUN=1

echo "== schemathesis summary"
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
