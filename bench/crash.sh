#!/usr/bin/env bash
# Crash safety: runs the real accountd binary under 16 concurrent writers (creates and updates),
# kill -9s it at a random moment, restarts it, ROUNDS times; then checks that every write that got
# a 2xx is present and that SQLite's integrity check passes. (.ci/run runs the same test with 4
# rounds as part of the test suite.)
#
#   bench/crash.sh            # 20 rounds
#   ROUNDS=50 bench/crash.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTD_CRASH_ROUNDS=${ROUNDS:-20} cargo test -p accountd-server --test crash \
  acknowledged_writes_survive_kill_9 -- --nocapture 2>&1 | grep -E "crash test:|test result|panicked"
