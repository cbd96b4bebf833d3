#!/usr/bin/env bash
# Whole-build benchmark: vitrine next to Hugo (and `git log`) on the same repository, in
# the same run. Needs hyperfine, hugo and GNU time (Debian packages:
# `apt-get install hyperfine hugo time`).
#
#   benches/run.sh [NOTES ISSUES COMMITS]      a generated repository (default 2000 500 10000)
#   benches/run.sh --repo DIR [--root status]  a real repository with a committed site root
#
# Rows, each a median over RUNS (default 10) runs:
#   cold       `build --no-cache` into an empty folder: no history or build cache
#   warm       one new commit that edits one note, on top of a build of the previous commit
#              with its caches; the commit is made in a fresh copy of the repository for
#              every run (untimed), one hour after the last commit. The copy is in the state
#              of a site built on every commit: HEAD~1, then HEAD, were built into it, so its
#              caches include the output before last, which the next build rewrites in place
#   no change  a second build of the same commit into the same folder, with its caches
#   hugo       Hugo over the same Markdown, cold (a fresh output folder each run)
#   git log    `git log --raw --no-renames -- <root>`: reading the site root's history
# and the peak memory (max RSS) of a cold vitrine build and of Hugo.
#
# Nothing here writes into the generated or given repository: every build that keeps a
# cache runs on a copy.
#
# Outputs and copies are moved aside, not deleted, between runs (into trash/, removed at
# the end), and the runs start a minute after anything this machine deleted before: on an
# ext4 without a journal (this VM's disk), allocating an inode skips, one by one, every
# free inode deleted in the last minute (five, while its inode table is unwritten), so a
# run after a deletion of thousands of files paid for it in both tools, more with every
# run (Hugo 1.2 s → 1.7 s over five runs, vitrine's writing 0.08 s → 2.2 s). The runs
# measure the tools, not that.
set -euo pipefail
cd "$(dirname "$0")/.."
root=status; repo=""
if [ "${1:-}" = "--repo" ]; then
  repo=$(cd "$2" && pwd); shift 2
  [ "${1:-}" = "--root" ] && root=$2
fi
notes=${1:-2000}; issues=${2:-500}; commits=${3:-10000}
cargo build --release --quiet --bin vitrine --example genrepo
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/trash"
aside() { echo "{ [ ! -e $1 ] || mv $1 $work/trash/\$(date +%s%N); }"; }
if [ -z "$repo" ]; then
  dir="bench-out/${notes}n-${commits}c"
  [ -d "$dir/repo/.git" ] ||
    "$bin/examples/genrepo" "$dir" --notes "$notes" --issues "$issues" --commits "$commits"
  repo="$PWD/$dir/repo"; hugo_site="$PWD/$dir/hugo"; label="$notes notes, $issues issues, $commits commits"
else
  # Hugo gets the generated site's layouts and the repository's notes and issues.
  "$bin/examples/genrepo" "$work/layouts" --notes 1 --issues 1 --commits 2 >/dev/null
  hugo_site="$work/hugo"; cp -r "$work/layouts/hugo" "$hugo_site"; rm -rf "$hugo_site/content"/*/*
  for kind in notes issues; do
    [ -d "$repo/$root/$kind" ] && cp -r "$repo/$root/$kind/." "$hugo_site/content/$kind/"
  done
  label="$(basename "$repo") ($(git -C "$repo" rev-list --count HEAD) commits), site root $root"
fi
v="$bin/vitrine"
# A copy of the repository with its caches filled by a build into w/out, kept as the start
# of every warm and no-change run: each run gets it back at the same paths (w/), so the
# caches, which name the output folder, apply.
git clone -q --no-local "$repo" "$work/w/repo"
# (A repository whose site root was added by its last commit has no HEAD~1 site to build.)
if git -C "$work/w/repo" cat-file -e "HEAD~1:${root}/vitrine.toml" 2>/dev/null; then
  "$v" -q -C "$work/w/repo/$root" build --rev HEAD~1 -o "$work/w/out"
fi
"$v" -q -C "$work/w/repo/$root" build -o "$work/w/out"
mv "$work/w" "$work/template"
note=$(cd "$work/template/repo/$root" && git ls-files notes | sed -n 1p)
next=$(( $(git -C "$repo" log -1 --format=%ct) + 3600 ))
fresh="$(aside $work/w) && cp -a $work/template $work/w"
edit="echo 'One more line.' >> $work/w/repo/$root/$note && GIT_AUTHOR_DATE=@$next GIT_COMMITTER_DATE=@$next git -C $work/w/repo -c user.name=bench -c user.email=bench@example.com commit -qam 'docs: edit one note'"
# Whatever was deleted before this run (an earlier benchmark's clean-up) is made old for
# the file system (see above): its inode tables written out, then a minute.
sync; sleep 61
hyperfine --style basic --runs "${RUNS:-10}" --export-json "$work/times.json" \
  -n cold --prepare "$(aside $work/cold)" "$v -q -C $repo/$root build --no-cache -o $work/cold" \
  -n warm --prepare "$fresh && $edit" "$v -q -C $work/w/repo/$root build -o $work/w/out" \
  -n "no change" --prepare "$fresh" "$v -q -C $work/w/repo/$root build -o $work/w/out" \
  -n hugo --prepare "$(aside $work/hugo-out)" "hugo -s $hugo_site -d $work/hugo-out --quiet" \
  -n "git log" --prepare true "git -C $repo log --raw --no-renames -- $root > /dev/null" >/dev/null
mem() { /usr/bin/time -f %M "$@" >/dev/null 2>"$work/mem" || true; tail -1 "$work/mem"; }
eval "$(aside $work/cold)"; eval "$(aside $work/hugo-out)"
m_v=$(mem "$v" -q -C "$repo/$root" build --no-cache -o "$work/cold")
m_h=$(mem hugo -s "$hugo_site" -d "$work/hugo-out" --quiet)
python3 - "$work/times.json" "$m_v" "$m_h" "$label" "$(nproc)" <<'PY'
import json, sys
t = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
mv, mh = int(sys.argv[2]), int(sys.argv[3])
print(f"repository: {sys.argv[4]}; {sys.argv[5]} cores")
h = t["hugo"]["median"]
print(f"{'':>10}  {'median':>8}  {'min':>7}  {'max':>7}  {'/ hugo':>6}")
for name, r in t.items():
    print(f"{name:>10}  {r['median']:7.3f}s  {r['min']:6.3f}s  {r['max']:6.3f}s  {r['median'] / h:5.2f}x")
print(f"peak memory: vitrine cold {mv / 1024:.0f} MiB, hugo {mh / 1024:.0f} MiB")
PY
