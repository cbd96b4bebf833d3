#!/usr/bin/env bash
# `vitrine changelog` next to git-cliff configured to vitrine's defaults, on one repository,
# in the same run: per release and group, the entries only one tool lists, and the time of
# each tool (median of RUNS cold runs; vitrine with --no-cache, as git-cliff has no cache).
#
#   benches/changelog-compare.sh REPO [TAG_REGEX]
#
# REPO is any clone (bare or not); it is cloned again into a scratch folder, where one
# commit adds a vitrine.toml (`chore:`, so it is hidden and changes no release). TAG_REGEX
# is vitrine's `tag_pattern` (capture = version), default `^v?(\d+\.\d+\.\d+.*)$`; git-cliff
# gets the same regex without the capture. Pre-releases: vitrine folds those older than
# the newest final release; git-cliff gets `ignore_tags` for every pre-release, which
# folds them all (a difference only for a trailing pre-release).
# Needs: git-cliff on PATH (`npm i git-cliff`, `pip install git-cliff` or crates.io),
# python3, and VITRINE (default target/release/vitrine).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src=${1:?usage: changelog-compare.sh REPO [TAG_REGEX]}
pattern=${2:-'^v?(\d+\.\d+\.\d+.*)$'}
vitrine=${VITRINE:-$here/target/release/vitrine}
cliff=${GIT_CLIFF:-git-cliff}
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-checkout "$src" "$work/repo"
cliff_pattern=$(printf '%s' "$pattern" | sed -e 's/(\([^?]\)/(?:\1/g')

cat > "$work/repo/vitrine.toml" <<EOF
title = "comparison"
[changelog]
tag_pattern = '$pattern'
EOF
# Commit it with plumbing: no checkout, so a mirror whose large blobs are absent works.
blob=$(git -C "$work/repo" hash-object -w "$work/repo/vitrine.toml")
tree=$( (git -C "$work/repo" ls-tree HEAD; printf '100644 blob %s\tvitrine.toml\n' "$blob") | git -C "$work/repo" mktree)
commit=$(GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench \
  GIT_COMMITTER_EMAIL=bench@example.com git -C "$work/repo" commit-tree "$tree" -p HEAD \
  -m "chore: vitrine configuration for the comparison")
git -C "$work/repo" update-ref HEAD "$commit"
# git-cliff reads .cliffignore from the work tree, vitrine from the commit.
git -C "$work/repo" show HEAD:.cliffignore > "$work/repo/.cliffignore" 2>/dev/null || rm -f "$work/repo/.cliffignore"

# git-cliff with vitrine's defaults: the same shown and hidden types, breaking changes in
# their own group (protected from the skip of hidden types), unconventional commits and
# `Visibility: internal` commits left out, types read case-insensitively (as the spec
# says and vitrine does), one line per entry.
cat > "$work/cliff.toml" <<'EOF'
[changelog]
header = ""
body = """
{% for commit in commits %}E\t{{ version | default(value="UNRELEASED") }}\t{% if commit.breaking %}breaking{% else %}{{ commit.group }}{% endif %}\t{{ commit.id | truncate(length=7, end="") }}\t{{ commit.message | split(pat="\n") | first | trim }}
{% endfor %}"""
footer = ""
trim = false
[git]
conventional_commits = true
filter_unconventional = true
split_commits = false
protect_breaking_commits = true
filter_commits = false
topo_order = false
sort_commits = "newest"
commit_parsers = [
  { body = "(?mi)^visibility: *internal", skip = true },
  { message = "(?i)^feat(\\(.*\\))?!?:", group = "feat" },
  { message = "(?i)^fix(\\(.*\\))?!?:", group = "fix" },
  { message = "(?i)^perf(\\(.*\\))?!?:", group = "perf" },
  { message = "(?i)^security(\\(.*\\))?!?:", group = "security" },
  { message = "(?i)^(chore|ci|test|build|style|refactor|docs)(\\(.*\\))?!?:", skip = true },
  { message = ".*", group = "other" },
]
EOF
cat >> "$work/cliff.toml" <<EOF
tag_pattern = '$cliff_pattern'
ignore_tags = '\d+\.\d+\.\d+-[0-9A-Za-z.-]+\$'
EOF

"$vitrine" -C "$work/repo" changelog --no-cache > "$work/vitrine.md"
(cd "$work/repo" && "$cliff" --config "$work/cliff.toml" -o "$work/cliff.tsv" 2> "$work/cliff.err") || {
  cat "$work/cliff.err" >&2; exit 1; }

time_of() {  # median wall-clock seconds of RUNS runs of "$@"
  for _ in $(seq "$runs"); do
    local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
  done | sort -n | awk '{a[NR]=$1} END {print (NR%2? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
tv=$(time_of "$vitrine" -C "$work/repo" changelog --no-cache)
tc=$(cd "$work/repo" && time_of "$cliff" --config "$work/cliff.toml" -o /dev/null)
keep="${OUT:-$here/bench-out/changelog-compare}/$(basename "$(dirname "$src")")-$(basename "$src")"
mkdir -p "$keep" && cp "$work/vitrine.md" "$work/cliff.tsv" "$work/cliff.toml" "$keep/"
echo "outputs kept in $keep" >&2

python3 - "$work/vitrine.md" "$work/cliff.tsv" "$here/theme/i18n/en.toml" \
  "$(git -C "$work/repo" rev-list --count HEAD)" "$(git -C "$work/repo" tag | wc -l)" \
  "$tv" "$tc" "$src" <<'PY'
import re, sys, tomllib, collections
md, tsv, i18n, ncommits, ntags, tv, tc, src = sys.argv[1:]
labels = {v: k.split(".")[-1] for k, v in tomllib.load(open(i18n, "rb")).items()
          if k.startswith("changelog.group.")}
unreleased = tomllib.load(open(i18n, "rb"))["changelog.unreleased"]
v, release, group = {}, None, None
for line in open(md):
    if line.startswith("## "):
        release = line[3:].strip()
        release = "UNRELEASED" if release == unreleased else re.sub(r" \(.*\)$", "", release)
    elif line.startswith("### "):
        group = labels.get(line[4:].strip(), line[4:].strip())
    elif line.startswith("- "):
        m = re.search(r"\(([0-9a-f]{7})\)$", line.strip())
        if m:
            v[(release, group, m.group(1))] = line[2:m.start()].strip()
c = {}
for line in open(tsv):
    if line.startswith("E\t"):
        _, rel, grp, cid, msg = (line.rstrip("\n").split("\t") + [""])[:5]
        c[(rel, grp, cid)] = msg
print(f"# {src}: {ncommits} commits, {ntags} tags")
print(f"entries: vitrine {len(v)}, git-cliff {len(c)}, both {len(v.keys() & c.keys())}")
print(f"time (median of cold runs): vitrine {float(tv):.3f} s, git-cliff {float(tc):.3f} s")
by_id_v = {k[2]: k for k in v}
by_id_c = {k[2]: k for k in c}
moved = {i for i in by_id_v.keys() & by_id_c.keys() if by_id_v[i] != by_id_c[i]}
print(f"same commit, other release or group: {len(moved)}")
for i in sorted(moved, key=lambda i: by_id_v[i]):
    print(f"  {i}  vitrine {by_id_v[i][0]}/{by_id_v[i][1]}  git-cliff {by_id_c[i][0]}/{by_id_c[i][1]}  {v[by_id_v[i]][:70]}")
only = collections.defaultdict(list)
for k in v.keys() - c.keys():
    if k[2] not in moved:
        only[(k[0], k[1], "vitrine")].append((k[2], v[k]))
for k in c.keys() - v.keys():
    if k[2] not in moved:
        only[(k[0], k[1], "git-cliff")].append((k[2], c[k]))
print(f"listed by one tool only: {sum(len(x) for x in only.values())}")
for (rel, grp, tool), items in sorted(only.items()):
    print(f"  {rel} / {grp}: only {tool}")
    for cid, msg in items:
        print(f"    {cid}  {msg[:90]}")
PY
