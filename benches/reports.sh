#!/usr/bin/env bash
# Reports benchmark: whole build with weekly report pages on and off, on a generated
# repository with three years of history (2,000 notes, 500 issues, 10,000 commits), and one
# `vitrine report` over a year on the 50,000-commit repository.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin vitrine --example genrepo
dir=bench-out/3y; [ -d "$dir/repo/.git" ] || ./target/release/examples/genrepo "$dir" --notes 2000 --issues 500 --commits 10000 --days 1095
big=bench-out/10000n-50000c; [ -d "$big/repo/.git" ] || ./target/release/examples/genrepo "$big" --notes 10000 --issues 2600 --commits 50000
v="$PWD/target/release/vitrine"; root="$PWD/$dir/repo/status"; out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
cp "$root/vitrine.toml" "$out/on.toml"
off() { cp "$out/on.toml" "$root/vitrine.toml"; printf '\n[reports]\nenabled = false\n' >> "$root/vitrine.toml"; git -C "$root" commit -qam 'bench: reports off'; }
on() { git -C "$root" reset -q --hard HEAD~1; }
runs=${RUNS:-10}
"$v" -C "$root" build -o "$out/site" >/dev/null 2>&1
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/on.json" -n "reports on" "$v -C $root build -o $out/site" >/dev/null
off; "$v" -C "$root" build -o "$out/site" >/dev/null 2>&1
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/off.json" -n "reports off" "$v -C $root build -o $out/site" >/dev/null
on
weeks=$("$v" -C "$root" build -o "$out/site" 2>&1 >/dev/null; ls "$out/site/reports" | grep -c W || true)
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/year.json" -n "report over a year (50k commits)" \
  "$v -C $PWD/$big/repo/status report --from 2025-01-01 --to 2025-12-31 --format json > /dev/null" >/dev/null
python3 - "$out" "$weeks" <<'PY'
import json, sys
m = lambda f: json.load(open(f"{sys.argv[1]}/{f}.json"))["results"][0]["median"]
on, off, year = m("on"), m("off"), m("year")
print(f"3 years, 2,000 notes, 10,000 commits: build with {sys.argv[2]} weekly reports {on:.3f} s, without {off:.3f} s (+{(on/off-1)*100:.0f}%)")
print(f"vitrine report over a year on 50,000 commits: median {year:.3f} s")
PY
rm -rf "$out"
