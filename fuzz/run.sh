#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: SECONDS_PER_TARGET (default 60).
#
#   fuzz/run.sh
#   SECONDS_PER_TARGET=600 fuzz/run.sh
#
# cargo-fuzz needs nightly compiler flags; these machines have only stable Rust, so the script
# sets RUSTC_BOOTSTRAP=1 (which lets stable rustc accept them) and builds without a sanitizer.
# A crash leaves its input in fuzz/artifacts/<target>/: turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in page_key_decode token_verify json_bodies bootstrap_yaml scim_filter scim_patch user_json; do
  echo "== fuzz $target (${SECONDS_PER_TARGET:-60} s)"
  cargo fuzz run --sanitizer none "$target" -- -max_total_time="${SECONDS_PER_TARGET:-60}" 2>&1 | tail -n 2
done
