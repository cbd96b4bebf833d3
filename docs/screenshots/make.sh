#!/usr/bin/env bash
# Takes the screenshots in this folder from the example site, in English and Chinese, at
# desktop (1280 px) and phone (360 px) widths, with headless Chromium (Debian's package).
#
#     bash docs/screenshots/make.sh [VITRINE]      # default: target/debug/vitrine
set -euo pipefail
cd "$(dirname "$0")/../.."
vitrine=${1:-$PWD/target/debug/vitrine}
out=$PWD/docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for lang in en zh; do
  "$vitrine" demo "$work/$lang" --quiet >/dev/null
  if [ "$lang" = zh ]; then
    sed -i 's/^language = .*/language = "zh-CN"/' "$work/zh/status/vitrine.toml"
    git -C "$work/zh" -c user.name=docs -c user.email=docs@example.invalid commit -qam "language: zh-CN"
    "$vitrine" -C "$work/zh/status" build --quiet
  fi
done

shot() { # NAME LANG PAGE WIDTH HEIGHT [extra chromium flags]
  local name=$1 lang=$2 page=$3 w=$4 h=$5
  shift 5
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size="$w,$h" "$@" --screenshot="$out/$name.png" \
    "file://$work/$lang/status/public/$page" 2>/dev/null
}

report=reports/$(ls "$work/en/status/public/reports" | grep -v index | sort | tail -1)
incident=notes/2026-10-12-sms-outage.html
for lang in en zh; do
  shot "dashboard-$lang" $lang index.html 1280 2000
  shot "dashboard-$lang-phone" $lang index.html 360 2400
  shot "incident-$lang" $lang $incident 1280 1400
  shot "incident-$lang-phone" $lang $incident 360 2000
  shot "report-$lang" $lang "$report" 1280 2200
  shot "report-$lang-phone" $lang "$report" 360 3200
  shot "issues-$lang-phone" $lang issues/index.html 360 2600
  shot "issue-$lang" $lang issues/iss-4.html 1280 1400
  shot "issue-$lang-phone" $lang issues/iss-4.html 360 2000
  shot "timeline-$lang" $lang timeline/index.html 1280 2000
  shot "timeline-$lang-phone" $lang timeline/index.html 360 2400
  shot "milestone-$lang-phone" $lang milestones/m5.html 360 2000
done
shot dashboard-en-dark en index.html 1280 2000 --force-dark-mode --blink-settings=preferredColorScheme=0
ls "$out"/*.png | wc -l
