#!/usr/bin/env bash
# Whole-build benchmark: vitrine next to Hugo (and `git log`) on the same generated
# repository, in the same run. Needs hyperfine, hugo and GNU time (Debian packages:
# `apt-get install hyperfine hugo time`).
#
#   benches/run.sh [NOTES ISSUES COMMITS]     default: 2000 500 10000
#
# Prints the median wall time of each command and its peak memory (max RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-2000}; issues=${2:-500}; commits=${3:-10000}
dir="bench-out/${notes}n-${commits}c"
cargo build --release --quiet --bin vitrine --example genrepo
if [ ! -d "$dir/repo/.git" ]; then
  ./target/release/examples/genrepo "$dir" --notes "$notes" --issues "$issues" --commits "$commits"
fi
vitrine="$PWD/target/release/vitrine"
repo="$PWD/$dir/repo"; hugo_site="$PWD/$dir/hugo"
out=$(mktemp -d)
hyperfine --style basic --warmup 1 --runs "${RUNS:-10}" --export-json "$dir/times.json" \
  -n vitrine "$vitrine -C $repo/status build -o $out/vitrine" \
  -n hugo "hugo -s $hugo_site -d $out/hugo --quiet" \
  -n "git log" "git -C $repo log --raw --no-renames -- status > /dev/null" >/dev/null
mem() { /usr/bin/time -f %M "$@" >/dev/null 2>"$out/mem" || true; tail -1 "$out/mem"; }
m_v=$(mem "$vitrine" -C "$repo/status" build -o "$out/vitrine")
m_h=$(mem hugo -s "$hugo_site" -d "$out/hugo" --quiet)
python3 - "$dir/times.json" "$m_v" "$m_h" "$notes" "$issues" "$commits" <<'PY'
import json, sys
t = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
mv, mh = int(sys.argv[2]), int(sys.argv[3])
print(f"repository: {sys.argv[4]} notes, {sys.argv[5]} issues, {sys.argv[6]} commits")
for name in t:
    r = t[name]
    print(f"{name:>8}: median {r['median']:.3f} s  (min {r['min']:.3f}, max {r['max']:.3f}, {len(r['times'])} runs)")
v, h = t["vitrine"]["median"], t["hugo"]["median"]
print(f"vitrine / hugo wall time: {v / h:.2f}x")
print(f"peak memory: vitrine {mv / 1024:.0f} MiB, hugo {mh / 1024:.0f} MiB")
PY
rm -rf "$out"
