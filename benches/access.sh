#!/usr/bin/env bash
# Cost of `[access] mode = "passphrase"` (issue 19): the whole build of the generated
# repository with and without encryption, in the same run. The protected copy is a local
# clone with one more commit that adds `[access]` to vitrine.toml. Needs hyperfine.
#
#   benches/access.sh [NOTES ISSUES COMMITS]     default: 2000 500 10000
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-2000}; issues=${2:-500}; commits=${3:-10000}
dir="bench-out/${notes}n-${commits}c"
cargo build --release --quiet --bin vitrine --example genrepo
if [ ! -d "$dir/repo/.git" ]; then
  ./target/release/examples/genrepo "$dir" --notes "$notes" --issues "$issues" --commits "$commits"
fi
vitrine="$PWD/target/release/vitrine"
repo="$PWD/$dir/repo"; sealed="$PWD/$dir/repo-access"
if [ ! -d "$sealed/.git" ]; then
  git clone -q "$repo" "$sealed"
  printf '\n[access]\nmode = "passphrase"\n' >> "$sealed/status/vitrine.toml"
  git -C "$sealed" -c user.name=bench -c user.email=bench@example.invalid commit -qam "access: passphrase"
fi
out=$(mktemp -d)
export VITRINE_PASSPHRASE="correct horse battery staple"
hyperfine --style basic --warmup 1 --runs "${RUNS:-5}" \
  -n plain "$vitrine -C $repo/status build -o $out/plain" \
  -n passphrase "$vitrine -C $sealed/status build -o $out/sealed"
VITRINE_TIMINGS=1 "$vitrine" -C "$sealed/status" build -o "$out/sealed" 2>&1 | grep -E "render|seal|guard|write"
du -sh "$out/plain" "$out/sealed"
rm -rf "$out"
