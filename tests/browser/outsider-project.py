#!/usr/bin/env python3
"""A project nobody on the team wrote: an outside reviewer's ten weeks of a Chinese team
building a warehouse-scanning app for a logistics client (notes in both languages, bold
**Next** labels, a date-only incident, a reopened critical defect, a slipped milestone,
developer commit messages, tags). Kept as the reviewer wrote it, for the layout test and
for reading the site as a client would.

    python3 tests/browser/outsider-project.py DIR    # a git repository, site root DIR/status
"""
import os, subprocess, shutil, sys, textwrap
R = os.path.abspath(sys.argv[1])
if os.path.exists(R): shutil.rmtree(R)
os.makedirs(R)
def git(*a, date=None, who=("王磊 Wang Lei","wanglei@qingmu.example")):
    env = dict(os.environ)
    if date:
        env["GIT_AUTHOR_DATE"] = date; env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git","-c",f"user.name={who[0]}","-c",f"user.email={who[1]}","-c","init.defaultBranch=main","-c","commit.gpgsign=false",*a], cwd=R, env=env, check=True, stdout=subprocess.DEVNULL)
git("init")
def w(path, text):
    p = os.path.join(R, path); os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "w").write(textwrap.dedent(text).lstrip("\n"))
def rm(path): os.remove(os.path.join(R, path))
WL=("王磊 Wang Lei","wanglei@qingmu.example"); CX=("陈晓 Chen Xiao","chenxiao@qingmu.example"); TOM=("Tom Baker","tom@qingmu.example")
def commit(msg, date, who=WL, tag=None):
    git("add","-A"); git("commit","-q","-m",msg, date=date, who=who)
    if tag: git("tag", tag, date=date, who=who)

S="status/"
# ---------- week 1: kickoff, Mon 2026-09-14
w("README.md", "# eastline-scan\n\nPDA scanning app for Eastline Logistics warehouses.\n")
w("app/package.json", '{ "name": "eastline-scan", "version": "0.1.0" }\n')
w("app/src/scan.ts", "export function scan() { return null }\n")
commit("chore: init repo", "2026-09-14T10:02:00+08:00")
w(S+"vitrine.toml", '''
# 东线物流 · 仓库扫描 App 项目状态站
title = "Eastline Warehouse Scanning App"
client = "Eastline Logistics 东线物流"
description = "Status of the handheld scanning app for the Jiaxing, Kunshan and Ningbo warehouses."
language = "en"
timezone = "Asia/Shanghai"

[communication]
cadence = "weekly"
channels = ["Status note on this site every Friday", "Weekly call, Monday 14:00 (Tencent Meeting)", "WeChat group for anything urgent"]
escalation = ["Wang Lei 王磊, delivery lead", "Sun Hui 孙慧, account director"]

[communication.owners]
"status notes" = "Wang Lei"
"incidents" = "Chen Xiao"

[feedback]
email = "eastline@qingmu.example"

[metrics.scan_rate]
label = "First-scan success rate"
unit = "%"
target = 98
better = "higher"

[metrics.sync_delay]
label = "Delay until a scan shows in WMS"
unit = " s"
target = 5
better = "lower"
''')
w(S+"notes/2026-09-14-kickoff.md", '''
---
title: Project kick-off
health: on-track
progress: 5
summary: We met the Jiaxing warehouse team and agreed the scope of the first release.
---
We spent the day at the Jiaxing warehouse with Zhang Min and the shift leaders. We watched receiving, putaway and picking, and agreed that the first release covers **receiving against an ASN**, **putaway** and **picking by wave**.

Next: requirements workshop on 17 September, signed requirements by 25 September.
''')
w(S+"milestones/M1.md", '''
---
title: Requirements signed off
due: 2026-09-25
status: in-progress
---
We agree in writing what the first release does.

- [x] Warehouse visit and process walk-through
- [ ] Requirements workshop with shift leaders
- [ ] Requirements document signed by Eastline
''')
w(S+"milestones/M2.md", '''
---
title: Pilot ready (devices + app)
due: 2026-10-23
status: planned
---
Handheld devices are delivered and set up, and the app works end to end in the test environment.

- [ ] 40 PDA devices delivered to Jiaxing
- [ ] Receiving against ASN works end to end
- [ ] Putaway works end to end
- [ ] Picking by wave works end to end
- [ ] Scans reach the WMS within 5 seconds
''')
w(S+"milestones/M3.md", '''
---
title: 嘉兴仓试点运行 Pilot run in Jiaxing
due: 2026-11-20
status: planned
---
One full shift in the Jiaxing warehouse uses only the new app, for two weeks.

- [ ] Training for 3 shift leaders
- [ ] Day shift uses the app for 10 working days
- [ ] First-scan success rate at least 98%
- [ ] No critical defect open
- [ ] Eastline signs the pilot acceptance
''')
w(S+"milestones/M4.md", '''
---
title: Go-live in all three warehouses
due: 2026-12-18
status: planned
---
Jiaxing, Kunshan and Ningbo use the app on all shifts.

- [ ] Kunshan trained and live
- [ ] Ningbo trained and live
- [ ] Old paper pick lists retired
''')
commit("docs(status): kickoff note, milestones", "2026-09-14T19:30:00+08:00")

# glossary
w(S+"glossary/pda.md", '''
---
term: PDA
aliases: [手持终端, handheld]
category: Devices
---
The handheld scanning device (手持终端) the warehouse staff carry. It reads barcodes and runs our app.

We use the Urovo DT50 model, Android 11, with a built-in laser scanner.
''')
w(S+"glossary/wms.md", '''
---
term: WMS
aliases: [仓库管理系统, Warehouse Management System]
category: Systems
---
仓库管理系统 — Eastline's existing warehouse management system, which keeps stock levels. Our app sends every scan to it.
''')
w(S+"glossary/asn.md", '''
---
term: ASN
aliases: [预到货通知, Advance Shipping Notice]
category: Processes
---
Advance Shipping Notice (预到货通知): the list of goods a supplier says it is sending. At receiving, staff scan the goods against it to find missing or extra items.
''')
w(S+"glossary/wave.md", '''
---
term: 波次拣货
aliases: [wave picking, 波次, wave]
category: Processes
---
把多张订单合并成一批（一个"波次"）一起拣货，减少来回走动。Picking many orders together in one batch (a "wave") so staff walk less.
''')
commit("docs(status): glossary first terms", "2026-09-15T11:12:00+08:00", who=CX)

w("app/src/scan.ts", "export function scan(code: string) { return code.trim() }\n")
commit("feat(scan): read barcode from DT50 scanner intent", "2026-09-16T16:40:00+08:00", who=TOM)

# week 1 Friday
w(S+"notes/2026-09-18-week-1.md", '''
---
title: 第一周进展
health: on-track
progress: 10
summary: 需求研讨会已完成，需求文档初稿已发给东线物流审阅。
---
本周完成：

- 9月17日与三位班组长开了需求研讨会，确认了收货、上架、波次拣货三个流程。
- 需求文档初稿已发给张敏经理，请在9月23日前反馈。
- PDA 样机已到，扫描测试正常。

下周：根据反馈修改需求文档，9月25日签字确认。
''')
w(S+"milestones/M1.md", '''
---
title: Requirements signed off
due: 2026-09-25
status: in-progress
---
We agree in writing what the first release does.

- [x] Warehouse visit and process walk-through
- [x] Requirements workshop with shift leaders
- [ ] Requirements document signed by Eastline
''')
commit("docs(status): 第一周周报", "2026-09-18T18:05:00+08:00")

# week 2
w(S+"issues/SC-1.md", '''
---
title: PDA devices may arrive late from the vendor
type: risk
status: open
severity: major
owner: Wang Lei
milestone: M2
due: 2026-10-16
---
The vendor says the 40 DT50 devices are "expected mid-October" but will not confirm a date. If they arrive after 16 October, the pilot cannot start on time.

**Plan:** we call the vendor weekly; Eastline procurement asks for a written delivery date. Fallback: borrow 10 devices from the Kunshan warehouse.
''')
w(S+"issues/SC-5.md", '''
---
title: Do returns need their own scanning flow?
type: question
status: open
severity: minor
owner: Zhang Min
---
Customer returns arrive at the same dock as supplier deliveries. Should staff scan them in a separate flow, or as a receiving without an ASN?
''')
commit("docs(status): risk on device delivery, question on returns", "2026-09-22T10:15:00+08:00")
w(S+"milestones/M1.md", '''
---
title: Requirements signed off
due: 2026-09-25
status: done
completed: 2026-09-24
---
We agree in writing what the first release does.

- [x] Warehouse visit and process walk-through
- [x] Requirements workshop with shift leaders
- [x] Requirements document signed by Eastline
''')
commit("docs(status): M1 done, requirements signed", "2026-09-24T17:20:00+08:00")
w("app/src/sync.ts", "export async function sync() {}\n")
commit("feat(sync): push scans to WMS REST api", "2026-09-24T21:48:00+08:00", who=TOM)
w(S+"notes/2026-09-25-week-2.md", '''
---
title: Week 2 — requirements signed
health: on-track
progress: 18
summary: Requirements were signed on 24 September, one day early. The device delivery date is still unclear.
---
**Done this week**

- Requirements signed by Zhang Min on 24 September.
- First screens for receiving against an ASN run on the test PDA.

**Risks**

- The vendor has not confirmed when the 40 devices arrive (SC-1).

<!-- internal -->
Vendor sales rep is unreliable, Sun Hui to escalate via her contact at Urovo.
<!-- /internal -->

**Next week** is the National Day holiday (1–7 October). The team works 29–30 September; the next note comes on 9 October.
''')
w(S+"glossary/putaway.md", '''
---
term: 上架
aliases: [putaway]
category: Processes
---
Putting received goods onto a storage location (货位) and scanning the location barcode, so the WMS knows where the goods are.
''')
commit("docs(status): week 2 note, putaway term", "2026-09-25T18:40:00+08:00")
w("app/package.json", '{ "name": "eastline-scan", "version": "0.3.0" }\n')
commit("chore(release): v0.3.0", "2026-09-30T12:00:00+08:00", who=TOM, tag="v0.3.0")
w("app/package-lock.json", '{}\n')
commit("chore: bump deps", "2026-09-30T15:30:00+08:00", who=TOM)

# Holiday week skipped. Week of 10-09
w(S+"issues/SC-2.md", '''
---
title: Scanner fails on creased or curved labels
type: defect
status: open
severity: critical
owner: Tom Baker
milestone: M2
---
On labels that are creased or wrapped around a drum, the PDA often needs 3–5 tries. At receiving this slows the team down a lot.
''')
w(S+"feedback/2026-10-09-zhang-min-font.md", '''
---
date: 2026-10-09
from: 张敏 Zhang Min, Jiaxing warehouse manager
channel: 微信
rating: 3
status: addressed
response: "我们把字号放大了一倍，并加了中英文切换（SC-4），已在0.5版本上线。"
issues: [SC-4]
---
字太小了，班组长们有的年纪大，看不清。另外外包的几位同事看不懂中文，能不能加英文？
''')
w(S+"issues/SC-4.md", '''
---
title: Larger text and a Chinese/English switch on the PDA
type: change
status: in-progress
severity: minor
owner: Chen Xiao
milestone: M2
---
From Zhang Min's feedback on 9 October: the text is too small for some shift leaders, and some contract staff read English better than Chinese.
''')
w(S+"notes/2026-10-09-week-4.md", '''
---
title: Week 4 — devices late, scanning problem found
health: at-risk
progress: 26
summary: The vendor now says devices arrive on 28 October, after the pilot was meant to start. We found a scanning problem with creased labels.
---
**Problems**

- The vendor confirmed the 40 PDAs ship on **28 October** — 12 days after the latest date that keeps the pilot on plan (SC-1). We asked Kunshan for 10 loan devices.
- Creased or curved labels need several scans (SC-2). We are testing a different scanner setting and a camera fallback.

**Done**

- Putaway screens work end to end in the test environment.
- Larger text and language switch started after Zhang Min's feedback (SC-4).
''')
commit("docs(status): week 4, health at risk", "2026-10-09T18:30:00+08:00")

# incident 1: 2026-10-15
w(S+"notes/2026-10-15-sync-outage.md", '''
---
title: 扫描数据未同步到 WMS
kind: incident
started: 2026-10-15T09:20:00+08:00
resolved: 2026-10-15
summary: 10月15日上午，测试仓的扫描数据没有同步到 WMS，下午已修复，无数据丢失。
---
10月15日 09:20 起，嘉兴测试区的 PDA 扫描后，数据没有出现在 WMS 里。

- **影响：** 测试区 6 位同事的收货记录延迟了约 4 小时，没有数据丢失。
- **原因：** WMS 接口在升级时返回 502 错误，我们的 App 没有自动重试。
- **处理：** 13:30 前恢复同步，补传了全部 212 条扫描记录。
- **预防：** App 现在会自动重试并提醒用户（SC-3）。
''')
w(S+"issues/SC-3.md", '''
---
title: Scans are not sent to WMS when the WMS returns an error
type: defect
status: in-progress
severity: critical
owner: Tom Baker
milestone: M2
---
If the WMS answers with an error (for example 502 during its upgrade), the app drops the upload and does not retry. Found in the incident on 15 October.
''')
commit("docs(status): incident 10-15 sync outage", "2026-10-15T14:10:00+08:00", who=CX)
w("app/src/sync.ts", "export async function sync() { /* retry with backoff */ }\n")
commit("fix(sync): retry upload with backoff when WMS returns 5xx\n\nFixes: SC-3", "2026-10-16T11:25:00+08:00", who=TOM)
w(S+"issues/SC-3.md", '''
---
title: Scans are not sent to WMS when the WMS returns an error
type: defect
status: resolved
severity: critical
owner: Tom Baker
milestone: M2
---
If the WMS answers with an error (for example 502 during its upgrade), the app drops the upload and does not retry. Found in the incident on 15 October.

Fixed on 16 October: the app retries for up to 10 minutes and shows a yellow "not yet sent" badge.
''')
commit("docs(status): SC-3 resolved", "2026-10-16T17:00:00+08:00", who=CX)

# internal issue
w(S+"issues/SC-8.md", '''
---
title: Renegotiate device vendor penalty clause
type: task
status: open
severity: major
visibility: internal
owner: Sun Hui
---
Vendor late by 12 days; contract allows 0.5%/day penalty. Do not mention to client until legal reviews.
''')
commit("chore: internal vendor task\n\nVisibility: internal", "2026-10-16T18:00:00+08:00")

# week 5 (10-16) -- English
w(S+"notes/2026-10-16-week-5.md", '''
---
title: Week 5 — pilot start will move
health: at-risk
progress: 34
summary: The pilot cannot start on 26 October because devices arrive on 28 October. We propose a new pilot plan next week.
---
**What happened**

- On 15 October scans did not reach the WMS for about four hours. No data was lost; see the incident note. Fixed on 16 October (SC-3).
- Kunshan can lend only 4 devices, not 10 — not enough for a shift.

**What it means**

Milestone "Pilot ready" (due 23 October) will be late. We will send a new plan on Monday's call.
''')
w(S+"milestones/M2.md", '''
---
title: Pilot ready (devices + app)
due: 2026-10-23
status: slipped
---
Handheld devices are delivered and set up, and the app works end to end in the test environment.

**Late:** the device vendor ships on 28 October instead of mid-October (SC-1). New target: 5 November.

- [ ] 40 PDA devices delivered to Jiaxing
- [x] Receiving against ASN works end to end
- [x] Putaway works end to end
- [ ] Picking by wave works end to end
- [x] Scans reach the WMS within 5 seconds
''')
commit("docs(status): week 5, M2 slipped", "2026-10-16T18:45:00+08:00")

w(S+"feedback/2026-10-20-david-hu.md", '''
---
date: 2026-10-20
from: David Hu, Head of Operations
channel: e-mail
rating: 2
status: acknowledged
response: "Agreed. From now on we post an incident note on this site and in the WeChat group within one hour of noticing a problem."
---
I heard about the sync problem on the 15th from my shift leaders, not from you. I expect to be told first.
''')
w(S+"pages/communication-plan.md", '''
---
title: How we keep you informed
order: 1
---
| What | When | Who |
|---|---|---|
| Status note on this site | Every Friday before 19:00 | Wang Lei |
| Weekly call | Monday 14:00 | Wang Lei, Zhang Min |
| Incident notice (site + WeChat group) | Within one hour of noticing | Chen Xiao |

If you are not satisfied, contact Sun Hui, our account director.
''')
commit("docs(status): feedback from David, comms plan", "2026-10-20T20:10:00+08:00")

w("app/src/scan.ts", "export function scan(code: string) { return code.trim() } // camera fallback\n")
commit("feat(scan): camera fallback for unreadable labels\n\nRefs: SC-2", "2026-10-22T15:00:00+08:00", who=TOM)
w(S+"glossary/offline.md", '''
---
term: 离线模式
aliases: [offline mode]
category: App
---
When the warehouse Wi-Fi drops, the app keeps working and stores scans on the PDA; it sends them to the WMS when the network is back.
''')
w(S+"notes/2026-10-23-week-6.md", '''
---
title: 第六周：新的试点计划
health: at-risk
progress: 42
summary: 设备确定10月28日发货；试点准备推迟到11月5日，试点运行仍争取11月20日完成。
---
**本周完成**

- 波次拣货流程在测试环境跑通。
- 条码识别：增加了摄像头识别作为后备（SC-2），折痕标签的一次识别率从 81% 提升到 93%。
- 新增离线模式：仓库 Wi-Fi 断开时也可以继续扫描。

**计划调整**

试点准备（M2）推迟到 11月5日。试点运行压缩到 10 个工作日，仍争取 11月20日 完成。
''')
w("status/metrics/quality.csv", '''
date,scan_rate,sync_delay
2026-10-09,81,12
2026-10-16,84,9
2026-10-23,93,4
''')
commit("docs(status): 第六周周报 + metrics", "2026-10-23T18:50:00+08:00")

w(S+"issues/SC-2.md", '''
---
title: Scanner fails on creased or curved labels
type: defect
status: resolved
severity: critical
owner: Tom Baker
milestone: M2
---
On labels that are creased or wrapped around a drum, the PDA often needs 3–5 tries. At receiving this slows the team down a lot.

Resolved with a new scanner profile and a camera fallback; first-scan success on our test set of 200 labels is now 98.5%.
''')
w("app/src/scan.ts", "export function scan(code: string) { return code.trim() } // profile v2\n")
commit("fix(scan): tune DT50 decode profile for damaged labels\n\nFixes: SC-2", "2026-10-30T11:00:00+08:00", who=TOM)
w(S+"notes/2026-10-30-week-7.md", '''
---
title: Week 7 — devices delivered
health: at-risk
progress: 52
summary: All 40 devices arrived on 29 October and are being set up. The creased-label problem is fixed.
---
- 40 PDAs arrived on 29 October (one day after the vendor's date). Setup of all devices takes until 4 November.
- SC-2 (creased labels) is fixed: first-scan success on our test labels is 98.5%.
- Returns: Zhang Min decided returns are scanned as receiving without an ASN (SC-5 closed).
''')
w(S+"issues/SC-5.md", '''
---
title: Do returns need their own scanning flow?
type: question
status: closed
severity: minor
owner: Zhang Min
---
Customer returns arrive at the same dock as supplier deliveries. Should staff scan them in a separate flow, or as a receiving without an ASN?

**Decision (28 October, Zhang Min):** scan returns as a receiving without an ASN. No separate flow in the first release.
''')
w("status/metrics/quality.csv", '''
date,scan_rate,sync_delay
2026-10-09,81,12
2026-10-16,84,9
2026-10-23,93,4
2026-10-30,98.5,3
''')
commit("docs(status): week 7", "2026-10-30T19:20:00+08:00")

# SC-1 resolved, M2 done 11-05
w(S+"issues/SC-1.md", '''
---
title: PDA devices may arrive late from the vendor
type: risk
status: resolved
severity: major
owner: Wang Lei
milestone: M2
due: 2026-10-16
---
The vendor says the 40 DT50 devices are "expected mid-October" but will not confirm a date. If they arrive after 16 October, the pilot cannot start on time.

**Outcome:** the devices arrived on 29 October, 13 days after the date we needed. The pilot plan was moved (see milestone M2).
''')
w(S+"milestones/M2.md", '''
---
title: Pilot ready (devices + app)
due: 2026-10-23
status: done
completed: 2026-11-05
---
Handheld devices are delivered and set up, and the app works end to end in the test environment.

**Late by 13 days:** the device vendor shipped on 28 October instead of mid-October (SC-1).

- [x] 40 PDA devices delivered to Jiaxing
- [x] Receiving against ASN works end to end
- [x] Putaway works end to end
- [x] Picking by wave works end to end
- [x] Scans reach the WMS within 5 seconds
''')
w(S+"issues/SC-4.md", '''
---
title: Larger text and a Chinese/English switch on the PDA
type: change
status: resolved
severity: minor
owner: Chen Xiao
milestone: M2
---
From Zhang Min's feedback on 9 October: the text is too small for some shift leaders, and some contract staff read English better than Chinese.

Done in version 0.5: text size doubled, language switch in the settings.
''')
w("app/package.json", '{ "name": "eastline-scan", "version": "0.5.0" }\n')
commit("feat: pilot build 0.5.0 (large font, zh/en switch)\n\nFixes: SC-4", "2026-11-05T10:00:00+08:00", who=TOM, tag="v0.5.0")
w(S+"notes/2026-11-05-release-0-5.md", '''
---
title: Version 0.5 — the pilot version
kind: release
summary: The version the Jiaxing day shift will use in the pilot.
---
What is in it:

- Receiving against an ASN, putaway and wave picking.
- Offline mode.
- Larger text and a Chinese/English switch (SC-4).
- Camera fallback for damaged labels (SC-2).
''')
commit("docs(status): release note 0.5, M2 done", "2026-11-05T16:00:00+08:00")

# incident 2: label printer, 11-06
w(S+"notes/2026-11-06-printer-offline.md", '''
---
title: Label printer offline on the first pilot day
kind: incident
started: 2026-11-06T14:00:00+08:00
resolved: 2026-11-06T17:30:00+08:00
summary: For three and a half hours the putaway label printer in Jiaxing did not print. Staff used hand-written labels.
---
Between 14:00 and 17:30 on 6 November, the Zebra label printer at dock 3 printed nothing.

- **Impact:** 37 pallets got hand-written labels and were re-labelled the next morning.
- **Cause:** the printer was on the guest Wi-Fi, which blocks our app (SC-9).
- **Fix:** Eastline IT moved the printer to the warehouse network.
''')
w(S+"issues/SC-9.md", '''
---
title: Label printer unreachable from the PDA app
type: defect
status: resolved
severity: major
owner: Chen Xiao
milestone: M3
---
The dock 3 printer was on the guest Wi-Fi. Moved to the warehouse network on 6 November; we added a printer check to the app's start screen.
''')
commit("docs(status): incident printer offline", "2026-11-06T17:55:00+08:00", who=CX)

# 双十一 freeze, skip week 8 Friday note (11-13)
w(S+"issues/SC-7.md", '''
---
title: Double 11 peak — no changes to the pilot from 9 to 13 November
type: risk
status: open
severity: major
owner: Wang Lei
milestone: M3
---
During the Double 11 (双十一) peak, Eastline freezes all system changes. We cannot fix pilot problems in that week; the pilot keeps running on version 0.5.
''')
commit("docs(status): 双十一 freeze risk", "2026-11-09T09:30:00+08:00")

# SC-2 reopened 11-10
w(S+"issues/SC-2.md", '''
---
title: Scanner fails on creased or curved labels
type: defect
status: open
severity: critical
owner: Tom Baker
milestone: M3
---
On labels that are creased or wrapped around a drum, the PDA often needs 3–5 tries. At receiving this slows the team down a lot.

Resolved on 30 October with a new scanner profile and a camera fallback.

**Re-opened 10 November:** in the real warehouse, under the dock lights, frozen-goods labels with frost fail again (about 1 in 8).
''')
commit("docs(status): reopen SC-2 - frost labels", "2026-11-10T20:00:00+08:00", who=CX)
w(S+"feedback/2026-11-12-shift-leader.md", '''
---
date: 2026-11-12
from: 李强 Li Qiang, day-shift leader, Jiaxing
channel: 电话
rating: 4
status: in-progress
response: "冷冻区标签的问题我们正在处理，双十一之后上线新版本。"
issues: [SC-2]
---
新 App 比纸单快多了，拣货少走很多路。就是冷冻区的标签有霜，扫不出来。
''')
commit("docs(status): pilot feedback Li Qiang", "2026-11-12T21:00:00+08:00")
w(S+"glossary/uat.md", '''
---
term: UAT
aliases: [用户验收测试, acceptance test]
category: Testing
---
User acceptance testing (用户验收测试): Eastline's own staff check that the app does what was agreed, before it goes live.
''')
w(S+"glossary/sku.md", '''
---
term: SKU
aliases: [库存单位]
category: Processes
---
Stock keeping unit: one kind of product in one packaging, with its own barcode.
''')
commit("docs: more terms", "2026-11-13T10:00:00+08:00", who=CX)

w(S+"issues/SC-7.md", '''
---
title: Double 11 peak — no changes to the pilot from 9 to 13 November
type: risk
status: closed
severity: major
owner: Wang Lei
milestone: M3
---
During the Double 11 (双十一) peak, Eastline freezes all system changes. We cannot fix pilot problems in that week; the pilot keeps running on version 0.5.

The freeze ended on 13 November without problems.
''')
w(S+"notes/2026-11-16-week-9.md", '''
---
title: 第九周：试点进行中，双十一平稳度过
health: on-track
progress: 68
summary: 白班已用新 App 工作 7 天，双十一期间没有故障。冷冻区标签问题重新打开，正在修复。
---
**试点情况**（11月6日起）

- 白班 12 人全部使用新 App，双十一高峰期间无故障。
- 一次扫描成功率 96.2%，目标 98%；主要是冷冻区带霜标签（SC-2 重新打开）。
- 拣货平均用时比纸质拣货单少 22%。

**下周**

- 发布 0.8 版本，修复冷冻区标签问题。
- 与张敏经理确认试点验收时间。
''')
w("status/metrics/quality.csv", '''
date,scan_rate,sync_delay
2026-10-09,81,12
2026-10-16,84,9
2026-10-23,93,4
2026-10-30,98.5,3
2026-11-06,95.1,3
2026-11-13,96.2,2
''')
commit("docs(status): 第九周周报", "2026-11-16T18:00:00+08:00")

w(S+"issues/SC-2.md", '''
---
title: Scanner fails on creased or curved labels
type: defect
status: in-progress
severity: critical
owner: Tom Baker
milestone: M3
due: 2026-11-24
---
On labels that are creased or wrapped around a drum, the PDA often needs 3–5 tries. At receiving this slows the team down a lot.

Resolved on 30 October with a new scanner profile and a camera fallback.

**Re-opened 10 November:** in the real warehouse, under the dock lights, frozen-goods labels with frost fail again (about 1 in 8). A fix (longer exposure + image filter) is in version 0.8, being tested in the freezer zone until 24 November.
''')
w("app/src/scan.ts", "export function scan(code: string) { return code.trim() } // frost filter\n")
commit("fix(scan): frost filter + longer exposure in freezer zone\n\nRefs: SC-2", "2026-11-18T15:20:00+08:00", who=TOM)
w("app/package.json", '{ "name": "eastline-scan", "version": "0.8.0" }\n')
commit("chore(release): 0.8.0", "2026-11-19T11:00:00+08:00", who=TOM, tag="v0.8.0")
w("app/src/debug.ts", "// wip\n")
commit("wip debug logging", "2026-11-19T23:41:00+08:00", who=TOM)

w(S+"feedback/2026-11-18-david-hu.md", '''
---
date: 2026-11-18
from: David Hu, Head of Operations
channel: Weekly call
---
Can Kunshan go live before Ningbo? Kunshan has more volume in December.
''')
w(S+"milestones/M3.md", '''
---
title: 嘉兴仓试点运行 Pilot run in Jiaxing
due: 2026-11-20
status: slipped
---
One full shift in the Jiaxing warehouse uses only the new app, for two weeks.

**推迟 Late:** the pilot started on 6 November instead of 27 October (devices late, SC-1), and the freezer-zone labels still fail (SC-2). New target: **4 December**.

- [x] Training for 3 shift leaders
- [x] Day shift uses the app for 10 working days
- [ ] First-scan success rate at least 98%
- [ ] No critical defect open
- [ ] Eastline signs the pilot acceptance
''')
w(S+"notes/2026-11-20-week-10.md", '''
---
title: Week 10 — pilot acceptance moves to 4 December
health: at-risk
progress: 74
summary: Version 0.8 with the freezer-label fix is in test. Pilot acceptance moves from 20 November to 4 December; go-live on 18 December is still possible.
---
**Done**

- Version 0.8 installed on 6 freezer-zone PDAs on 19 November.
- The day shift has now used the app for 10 working days.

**Late**

- Pilot acceptance (M3) was due today. Freezer labels still fail about 1 in 20 (SC-2), and acceptance needs 98% first-scan success. New date: **4 December**.

**Next**

- Freezer-zone test until 24 November.
- Training plan for Kunshan; David Hu asked whether Kunshan can go first — we answer on Monday's call.
- Next status note: 27 November.
''')
w("status/metrics/quality.csv", '''
date,scan_rate,sync_delay
2026-10-09,81,12
2026-10-16,84,9
2026-10-23,93,4
2026-10-30,98.5,3
2026-11-06,95.1,3
2026-11-13,96.2,2
2026-11-20,97.4,2
''')
w(S+"notes/draft-week-11.md", '''
---
title: Week 11 DRAFT
draft: true
health: off-track
progress: 99
---
SECRET DRAFT TEXT should never appear.
''')
commit("docs(status): week 10, M3 slipped", "2026-11-20T18:30:00+08:00")
# The reviewer then switched the site to Chinese, the language its client reads.
toml = open(os.path.join(R, S + "vitrine.toml")).read()
open(os.path.join(R, S + "vitrine.toml"), "w").write(toml.replace('language = "en"', 'language = "zh-CN"'))
commit("chore(status): switch site to Chinese", "2026-11-20T19:05:00+08:00")
print("ok")
