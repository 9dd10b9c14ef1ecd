#!/usr/bin/env bash
# SCIM 2.0 conformance runs: scim2-tester (through `scim2 ... test` of scim2-cli) and scim-sanity
# (`probe`, plain and `--profile entra`), each against both SCIM bases of one accountd (debug build,
# fresh SQLite database): /idm/public/scim/{accountUuid}/v2 and /api/v2/scim. Every run gets an
# account and a SCIM token of its own, made through the admin API, so no run sees what another
# left. The tools are pinned with their dependencies in ci/scim/requirements.txt.
#
# Fails (exit 1) when any scim2-tester check is not SUCCESS, SKIPPED included (`scim2 test` itself
# exits 1 on them: with no tag filter, a SKIPPED check is a server limitation, e.g. PATCH not
# advertised or the root /.search answering 501), or when scim-sanity reports a fail or an error
# (its warnings are printed, not counted). Also fails when a run times out or runs no check.
#
# Knobs: SCIM_TIMEOUT (seconds per tool run, default 300), SCIM_VENV (the tools' venv, default
# ${CARGO_TARGET_DIR:-target}/scim-venv, rebuilt when the requirements change),
# SCIM_ALLOW_SKIPPED=1 (scim2-tester SKIPPED results do not fail the run),
# SCIM_ONLY=tester|sanity (run one tool only), SCIM_SKIP_BUILD=1 (use the binary as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-target}
case $TARGET in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
REQUIREMENTS="$ROOT/ci/scim/requirements.txt"
VENV=${SCIM_VENV:-$TARGET/scim-venv}
TIMEOUT=${SCIM_TIMEOUT:-300}
ALLOW_SKIPPED=${SCIM_ALLOW_SKIPPED:-0}
ONLY=${SCIM_ONLY:-}

# -- The tools, in a venv of their own (reused while ci/scim/requirements.txt is unchanged).
want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null || true)" != "$want" ] \
  || ! "$VENV/bin/scim2" --help >/dev/null 2>&1 || ! "$VENV/bin/scim-sanity" --help >/dev/null 2>&1; then
  echo "== scim: creating the tools' venv in $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # --no-deps: the file pins the whole closure, so nothing unpinned comes in.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$REQUIREMENTS"
  "$VENV/bin/pip" check --disable-pip-version-check
  echo "$want" > "$VENV/.requirements.sha256"
fi
PY="$VENV/bin/python"
"$PY" - <<'EOF'
import importlib.metadata as m
print("scim tools: " + ", ".join(f"{p} {m.version(p)}" for p in ("scim2-cli", "scim2-tester", "scim-sanity")))
EOF

# -- accountd on a fresh database, with an admin token.
[ "${SCIM_SKIP_BUILD:-0}" = 1 ] || cargo build --quiet -p accountd-server
BIN="$TARGET/debug/accountd"

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

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER="http://127.0.0.1:$PORT"
ADMIN_TOKEN="scim-ci-admin-$RANDOM$RANDOM$RANDOM$RANDOM"
"$BIN" serve --listen "127.0.0.1:$PORT" --database "sqlite://$WORK/scim.db" \
  --admin-token "$ADMIN_TOKEN" --public-url "$SERVER" > "$WORK/server.log" 2>&1 &
PID=$!
ready=0
for _ in $(seq 1 100); do
  if curl -sf --max-time 2 "$SERVER/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "accountd did not start:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

server_log_tail() {
  echo "   -- last lines of the accountd log:"
  tail -n 30 "$WORK/server.log" | sed 's/^/   | /'
}

# admin_post PATH BODY: POST to the admin API, expecting 201; the response body on stdout.
admin_post() {
  local path=$1 body=$2 out status
  out="$WORK/admin.json"
  status=$(curl -sS --max-time 10 -o "$out" -w '%{http_code}' -X POST "$SERVER$path" \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d "$body")
  if [ "$status" != 201 ]; then
    echo "   POST $path: expected 201, got $status: $(head -c 2000 "$out")" >&2
    return 1
  fi
  cat "$out"
}

json_field() {
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# A fresh account and a SCIM token for it: sets ACCOUNT and TOKEN.
new_account() {
  local label=$1 account_json token_json
  account_json=$(admin_post /admin/v1/accounts "{\"name\":\"scim-ci-$label\"}") || return 1
  ACCOUNT=$(json_field uuid <<< "$account_json") || return 1
  token_json=$(admin_post "/admin/v1/accounts/$ACCOUNT/scim-tokens" '{"name":"ci"}') || return 1
  TOKEN=$(json_field token <<< "$token_json") || return 1
}

# Records a run that could not start (no account or no token).
setup_failed() {
  local line="FAIL $1: could not create its account and SCIM token through the admin API"
  echo "$line"
  server_log_tail
  SUMMARY+=("$line")
  RUNS=$((RUNS + 1)); RUNS_FAILED=$((RUNS_FAILED + 1)); FAILED=1
}

base_url() {
  case $1 in
    idm) echo "$SERVER/idm/public/scim/$ACCOUNT/v2" ;;
    api) echo "$SERVER/api/v2/scim" ;;
  esac
}

SUMMARY=()
FAILED=0
RUNS=0
RUNS_FAILED=0
N=0

# scim2-tester through the CLI. Output: "<STATUS> <check>" lines, each followed by its reason and
# (-v) its data; the blocks of the checks that are not SUCCESS are printed in full (bounded).
run_tester() {
  local which=$1 base label out status=0
  N=$((N + 1))
  echo "== scim2-tester on the $which base"
  if ! new_account "tester-$which-$N" 2>&1; then setup_failed "scim2-tester $which"; return; fi
  base=$(base_url "$which")
  label="scim2-tester ${base#"$SERVER"}"
  out="$WORK/run-$N-tester-$which.txt"
  SCIM_CLI_HEADERS="Authorization: Bearer $TOKEN" \
    timeout -k 10 "$TIMEOUT" "$VENV/bin/scim2" -u "$base" test -v > "$out" 2>&1 || status=$?
  local counts
  counts=$(awk '
    /^(SUCCESS|COMPLIANT|ACCEPTABLE|DEVIATION|ERROR|CRITICAL|SKIPPED) [A-Za-z_][A-Za-z0-9_]*$/ { n[$1]++ }
    END {
      bad = n["ERROR"] + n["CRITICAL"] + n["DEVIATION"] + n["ACCEPTABLE"] + n["COMPLIANT"]
      printf "%d %d %d %d", n["SUCCESS"], n["SKIPPED"], bad, n["SUCCESS"] + n["SKIPPED"] + bad
    }' "$out")
  local ok skipped bad total
  read -r ok skipped bad total <<< "$counts"
  local line="$label: $ok SUCCESS, $bad ERROR, $skipped SKIPPED"
  local failed=0 why=""
  if [ "$status" = 124 ]; then failed=1; why="timed out after ${TIMEOUT}s"
  elif [ "$total" = 0 ]; then failed=1; why="no check ran (exit $status)"
  elif [ "$bad" != 0 ]; then failed=1
  elif [ "$skipped" != 0 ] && [ "$ALLOW_SKIPPED" != 1 ]; then failed=1
  elif [ "$status" != 0 ] && [ "$skipped" = 0 ]; then failed=1; why="exit $status"
  fi
  [ -n "$why" ] && line="$line ($why)"
  if [ "$failed" = 1 ]; then
    line="FAIL $line"
    # Each non-SUCCESS check with its reason and data, 40 lines at most each.
    awk '
      /^(SUCCESS|COMPLIANT|ACCEPTABLE|DEVIATION|ERROR|CRITICAL|SKIPPED) [A-Za-z_][A-Za-z0-9_]*$/ {
        show = ($1 != "SUCCESS"); shown = 0
      }
      show && shown < 40 { print "   " substr($0, 1, 1000); shown++ }
    ' "$out" | head -n 1500
    if [ "$total" = 0 ]; then
      sed 's/^/   | /' "$out" | tail -n 60
    fi
    server_log_tail
  fi
  echo "$line"
  SUMMARY+=("$line")
  RUNS=$((RUNS + 1))
  if [ "$failed" = 1 ]; then FAILED=1; RUNS_FAILED=$((RUNS_FAILED + 1)); fi
}

# scim-sanity probe (JSON output); its fails and errors are printed with their messages, and its
# warnings too.
run_sanity() {
  local which=$1 profile=$2 base label out status=0
  N=$((N + 1))
  echo "== scim-sanity $profile on the $which base"
  if ! new_account "sanity-$which-$profile-$N" 2>&1; then setup_failed "scim-sanity $profile $which"; return; fi
  base=$(base_url "$which")
  label="scim-sanity ${profile} ${base#"$SERVER"}"
  out="$WORK/run-$N-sanity-$which-$profile.json"
  local args=(probe "$base" --token "$TOKEN" --i-accept-side-effects --json-output)
  [ "$profile" = plain ] || args+=(--profile "$profile")
  timeout -k 10 "$TIMEOUT" "$VENV/bin/scim-sanity" "${args[@]}" > "$out" 2> "$out.err" || status=$?
  local report failed=0
  if ! report=$("$PY" - "$out" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        data = json.load(f)
    s = data["summary"]
except Exception as exc:  # no report at all: the caller prints the raw output
    print(f"no JSON report ({exc})")
    sys.exit(2)
print(f"{s['passed']} passed, {s['failed']} failed, {s['errors']} errors, "
      f"{s['warnings']} warnings, {s['skipped']} skipped")
for r in data["results"]:
    if r["status"] in ("fail", "error", "warn"):
        msg = (r.get("message") or "").replace("\n", " ")
        if len(msg) > 600:
            msg = msg[:600] + "..."
        print(f"   {r['status'].upper():5} [{r.get('phase', '')}] {r['name']}: {msg}")
sys.exit(1 if (s["failed"] or s["errors"] or not s["passed"]) else 0)
EOF
  ); then
    failed=1
  fi
  local first rest
  first=$(head -n 1 <<< "$report")
  rest=$(tail -n +2 <<< "$report")
  local line="$label: $first"
  if [ "$status" = 124 ]; then failed=1; line="$line (timed out after ${TIMEOUT}s)"
  elif [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; line="$line (exit $status)"
  fi
  [ -n "$rest" ] && echo "$rest"
  if [ "$failed" = 1 ]; then
    line="FAIL $line"
    if [[ $first == "no JSON report"* ]]; then
      cat "$out" "$out.err" | tail -n 60 | sed 's/^/   | /'
    fi
    server_log_tail
  fi
  echo "$line"
  SUMMARY+=("$line")
  RUNS=$((RUNS + 1))
  if [ "$failed" = 1 ]; then FAILED=1; RUNS_FAILED=$((RUNS_FAILED + 1)); fi
}

for which in idm api; do
  if [ "$ONLY" != sanity ]; then run_tester "$which"; fi
  if [ "$ONLY" != tester ]; then
    run_sanity "$which" plain
    run_sanity "$which" entra
  fi
done

stop_server
echo "== SCIM conformance summary"
printf '%s\n' "${SUMMARY[@]}"
echo "scim-conformance: $((RUNS - RUNS_FAILED)) passed, $RUNS_FAILED failed"
exit "$FAILED"
