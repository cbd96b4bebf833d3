#!/usr/bin/env bash
# History benchmark: the history index next to `git log --raw --no-renames -- <site root>`,
# cold and warm (cached, one new commit) whole builds, and the changelog alone next to
# git-cliff, on the same generated repository in the same run.
# Needs hyperfine and GNU time (Debian) and git-cliff (`pip install git-cliff` or crates.io).
#
#   benches/history.sh [NOTES ISSUES COMMITS]     default: 2000 500 10000
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-2000}; issues=${2:-500}; commits=${3:-10000}
dir="bench-out/${notes}n-${commits}c"
cargo build --release --quiet --bin vitrine --example genrepo
[ -d "$dir/repo/.git" ] || ./target/release/examples/genrepo "$dir" --notes "$notes" --issues "$issues" --commits "$commits"
v="$PWD/target/release/vitrine"; out=$(mktemp -d)
# The warm row commits and every cached build writes .git/vitrine/: all on a throwaway
# copy, so that the generated repository stays the same for every benchmark.
git clone -q --no-local "$PWD/$dir/repo" "$out/repo"; repo="$out/repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
runs=${RUNS:-10}
# The history step alone, cold: median of the `history` timing over the runs.
for i in $(seq "$runs"); do
  VITRINE_TIMINGS=1 "$v" -C "$repo/status" build --no-cache -o "$out/site" 2>&1 | awk '$1=="history:"{print $2}'
done | sort -n | awk '{a[NR]=$1} END {printf "history index (cold): median %.3f s over %d runs\n", (NR%2? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), NR}'
"$v" -C "$repo/status" build -o "$out/site" >/dev/null 2>&1   # fill the cache
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$dir/history.json" \
  -n "git log" "git -C $repo log --raw --no-renames -- status > /dev/null" \
  -n "build cold" "$v -C $repo/status build --no-cache -o $out/site" \
  -n "build warm" --prepare "echo x >> $repo/status/notes/00001.md && git -C $repo commit -qam 'docs: touch'" "$v -C $repo/status build -o $out/site" \
  -n "changelog" "$v -C $repo/status changelog --no-cache > /dev/null" \
  -n "git-cliff" "git-cliff -r $repo -o /dev/null 2>/dev/null" >/dev/null
python3 - "$dir/history.json" "$notes" "$issues" "$commits" <<'PY'
import json, sys
t = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
print(f"repository: {sys.argv[2]} notes, {sys.argv[3]} issues, {sys.argv[4]} commits (medians)")
for k, v in t.items():
    print(f"{k:>11}: {v:.3f} s")
print(f"changelog / git-cliff: {t['changelog'] / t['git-cliff']:.2f}x")
PY
rm -rf "$out"
