#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each) with cargo-fuzz (libFuzzer).
# The toolchain here is stable; RUSTC_BOOTSTRAP lets cargo-fuzz use its -Z flags.
#   cargo install cargo-fuzz && fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
for t in frontmatter markdown config content markers; do
  echo "== $t ($secs s)"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --release "$t" -- -max_total_time="$secs" -rss_limit_mb=4096 2>&1 | tail -3
done
