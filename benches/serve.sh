#!/usr/bin/env bash
# Serve latency: time from saving a file to the rebuilt page being served, on a generated
# repository (default 2,000 notes, 10,000 commits). Median of 15 edits.
#
#   benches/serve.sh [NOTES ISSUES COMMITS]
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-2000}; issues=${2:-500}; commits=${3:-10000}
dir="bench-out/${notes}n-${commits}c"
cargo build --release --quiet --bin vitrine --example genrepo
[ -d "$dir/repo/.git" ] || ./target/release/examples/genrepo "$dir" --notes "$notes" --issues "$issues" --commits "$commits"
# Edits are made in a throwaway clone: the generated repository stays the same for every benchmark.
work=$(mktemp -d); git clone -q --no-local "$PWD/$dir/repo" "$work/repo"
root="$work/repo/status"; port=8799
VITRINE_TIMINGS=1 ./target/release/vitrine -C "$root" serve --port $port 2>/tmp/vitrine-serve.log &
pid=$!; trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/" >/dev/null; do sleep 0.1; done
python3 - "$root/notes/00001.md" "http://127.0.0.1:$port/notes/00001.html" <<'PY'
import sys, time, urllib.request, statistics
path, url = sys.argv[1], sys.argv[2]
lat = []
for i in range(15):
    marker = f"edit-marker-{i}-{time.time_ns()}"
    with open(path, "a") as f:
        f.write(f"\n{marker}\n")
    t0 = time.perf_counter()
    while marker not in urllib.request.urlopen(url).read().decode():
        time.sleep(0.005)
    lat.append(time.perf_counter() - t0)
    time.sleep(0.3)
print(f"file change to rebuilt page served: median {statistics.median(lat)*1000:.0f} ms "
      f"(min {min(lat)*1000:.0f}, max {max(lat)*1000:.0f}, {len(lat)} edits)")
PY
