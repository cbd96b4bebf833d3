#!/usr/bin/env bash
# A site nobody here wrote the content of, for the layout test: the example project plus
# content that breaks layouts — words and addresses longer than a phone is wide, unbroken
# Chinese, wide Markdown tables, long code lines, long names everywhere a name is shown.
#
#     bash tests/browser/hostile-site.sh VITRINE DIR [LANGUAGE]
#
# Builds DIR/status/public. LANGUAGE is the site's language (en or zh-CN; default en).
set -euo pipefail
vitrine=$1 dir=$2 lang=${3:-en}
rm -rf "$dir"
"$vitrine" demo "$dir" --quiet >/dev/null
site=$dir/status
sed -i "s/^language = .*/language = \"$lang\"/" "$site/vitrine.toml"

long=Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft
url="https://example.invalid/a/very/long/address/that/nobody/would/ever/break/by/hand/because/it/has/no/spaces/at/all?and=a&query=string"
han=患者预约门户系统第二阶段上线前的全部验收测试工作已经按照计划顺利完成并且没有发现任何严重问题
cat > "$site/notes/2026-11-26-long-words.md" <<EOF
---
title: "Week 13: $long and $han"
kind: update
date: 2026-11-26T09:00:00+08:00
health: at-risk
progress: 91
summary: "$long $url $han"
---
The $long was delayed. See $url for the details, or $han.

| Component | Owner | Status | Due | Risk | Mitigation | Notes | Link |
|---|---|---|---|---|---|---|---|
| $long | Reception team lead | in progress | 2026-12-01 | high | more testers | none | $url |
| 预约 | $han | done | 2026-11-20 | low | — | — | — |

\`\`\`
$url/$url/$url
\`\`\`

## Next steps

- Finish the $long.
- $han
EOF
cat > "$site/issues/ISS-90.md" <<EOF
---
title: "$long cannot be booked from $url"
type: defect
status: open
severity: critical
owner: "$long"
due: 2026-11-20
---
$han $url
EOF
cat > "$site/issues/ISS-91.md" <<EOF
---
title: "$han"
type: risk
status: in-progress
severity: major
owner: "$han"
---
$han
EOF
cat > "$site/glossary/long-term.md" <<EOF
---
term: "$long"
aliases: ["$han"]
category: "$long"
---
A word longer than a phone is wide: $url.
EOF
cat > "$site/milestones/M9.md" <<EOF
---
title: "$long $han"
due: 2027-01-15
status: planned
---
- [ ] $long
- [ ] $url
EOF
cat > "$site/feedback/2026-11-26-long.md" <<EOF
---
date: 2026-11-26
from: "$long"
channel: "$han"
rating: 3
status: received
---
$url $han
EOF
git -C "$dir" add -A
GIT_COMMITTER_DATE=2026-11-26T10:00:00+08:00 git -C "$dir" -c user.name=ci -c user.email=ci@example.invalid \
  -c commit.gpgsign=false commit -qm "content that breaks layouts" --date=2026-11-26T10:00:00+08:00
"$vitrine" -C "$site" build --quiet
