//! The period report: the project at the start of a period compared with the project at
//! its end, and what happened in between. It is computed from the history index — the
//! state of every issue and milestone at any time is the last version committed before
//! it — so a report, and every weekly report of a site, needs no second read of a tree.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use super::changelog::Release;
use super::history::{Versions, Visible};
use crate::config::{Better, Config};
use crate::content::{FeedbackStatus, IssueType, MilestoneStatus, NoteKind, Project, Severity};
use crate::dates::When;
use crate::git::HistoryIndex;

/// One end of the period.
#[derive(Debug, Clone, Serialize)]
pub struct End {
    /// What the user asked for (a revision or a date), if anything.
    pub spec: Option<String>,
    /// The commit the state is read at (none before the first commit).
    pub commit: Option<String>,
    /// RFC 3339.
    pub time: String,
    #[serde(skip)]
    pub ts: i64,
}

/// A value at the start and at the end of the period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FromTo<T> {
    pub from: Option<T>,
    pub to: Option<T>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueRef {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub severity: String,
    pub status: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityChange {
    pub issue: IssueRef,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneRef {
    pub id: String,
    pub title: String,
    pub due: String,
    pub status: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueMove {
    pub milestone: MilestoneRef,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentRef {
    pub title: String,
    pub url: String,
    pub started: String,
    pub resolved: Option<String>,
    /// Minutes from start to resolution (or to the end of the period, if still open).
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteRef {
    pub title: String,
    pub url: String,
    pub date: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRef {
    pub tag: String,
    pub date: String,
    /// `scope: description` of each client-visible change.
    pub changes: Vec<String>,
    /// The issues whose resolving commit this release shipped.
    pub fixed: Vec<FixedRef>,
}

/// An issue a release fixed.
#[derive(Debug, Clone, Serialize)]
pub struct FixedRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricRow {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub target: Option<f64>,
    pub better: &'static str,
    pub from: Option<f64>,
    pub to: Option<f64>,
    /// Whether the value at the end meets the target.
    pub met: Option<bool>,
    /// The values as people write them (`82`, `0.75`).
    pub from_text: Option<String>,
    pub to_text: Option<String>,
    pub target_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedbackRef {
    pub from: String,
    pub date: String,
    pub status: String,
    pub response: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: String,
    pub count: usize,
}

/// Whether the notes came as often as the communication plan promises.
#[derive(Debug, Clone, Serialize)]
pub struct Cadence {
    pub cadence: String,
    pub expected: usize,
    pub published: usize,
    /// Gaps longer than the cadence: (the update was due by, the next one came on or never).
    pub late: Vec<LateUpdate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateUpdate {
    pub due_by: String,
    pub published: Option<String>,
}

/// A period report. Its JSON form is documented in `docs/report.schema.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub project: String,
    pub from: End,
    pub to: End,
    pub health: FromTo<String>,
    pub progress: FromTo<u8>,
    pub next_milestone: Option<MilestoneRef>,
    pub milestones_reached: Vec<MilestoneRef>,
    pub milestones_slipped: Vec<MilestoneRef>,
    pub milestones_moved: Vec<DueMove>,
    pub issues_opened: Vec<IssueRef>,
    pub issues_closed: Vec<IssueRef>,
    pub issues_reopened: Vec<IssueRef>,
    pub severity_changed: Vec<SeverityChange>,
    pub open_by_severity: Vec<SeverityCount>,
    pub risks: Vec<IssueRef>,
    pub incidents: Vec<IncidentRef>,
    pub notes: Vec<NoteRef>,
    pub releases: Vec<ReleaseRef>,
    pub metrics: Vec<MetricRow>,
    pub feedback_received: Vec<FeedbackRef>,
    pub feedback_addressed: Vec<FeedbackRef>,
    pub next_steps: Vec<String>,
    pub cadence: Option<Cadence>,
    /// Nothing happened in the period.
    pub empty: bool,
}

/// What a report is computed from.
pub struct Input<'a> {
    pub project: &'a Project,
    pub releases: &'a [Release],
    /// What the commits say about each issue (see [`super::trace`]).
    pub traces: &'a std::collections::HashMap<String, super::trace::Trace>,
    pub config: &'a Config,
    /// Every version of every issue, milestone and feedback file: path → (commit time,
    /// front matter), oldest first. See [`states`].
    pub states: &'a States,
}

/// Versions of files over time, for "the state at time t" in O(log n).
pub type States = std::collections::HashMap<String, Vec<(i64, Arc<Map<String, Value>>)>>;

/// Collects the versions of every issue, milestone and feedback file once.
pub fn states(
    p: &Project,
    index: Option<&HistoryIndex>,
    versions: &Versions,
    visible: &Visible,
) -> States {
    let Some(index) = index else {
        return States::new();
    };
    let paths = p.tracked_paths();
    paths
        .map(|path| {
            let list = visible
                .of(path)
                .iter()
                .filter_map(|e| {
                    let time = index.commits[e.commit as usize].time;
                    Some((time, versions.get(&e.blob)?.clone()))
                })
                .collect();
            (path.clone(), list)
        })
        .collect()
}

/// The front matter of the file at `path` as it was at time `t` (Unix seconds): the last
/// version committed at or before it, or `None` if the file did not exist yet.
fn state_at<'v>(input: &'v Input<'_>, path: &str, t: i64) -> Option<&'v Arc<Map<String, Value>>> {
    let list = input.states.get(path)?;
    let n = list.partition_point(|(time, _)| *time <= t);
    n.checked_sub(1).map(|i| &list[i].1)
}

fn text(map: &Map<String, Value>, key: &str, default: &str) -> String {
    match map.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => default.to_string(),
    }
}

const CLOSED: &[&str] = &["resolved", "closed", "wont-fix"];

/// Computes the report for the period `(from, to]`.
pub fn report(input: &Input<'_>, from: End, to: End) -> Report {
    let p = input.project;
    let (a, b) = (from.ts, to.ts);
    let tz = input.config.tz();
    let lang = input.config.language.as_str();
    let rfc = |w: &When| w.view(lang).stamp;
    let in_period = |w: &When| w.timestamp().as_second() > a && w.timestamp().as_second() <= b;

    let mut r = Report {
        schema: "https://vitrine.dev/schema/report/1",
        project: input.config.title.clone(),
        from: from.clone(),
        to: to.clone(),
        health: FromTo {
            from: None,
            to: None,
        },
        progress: FromTo {
            from: None,
            to: None,
        },
        next_milestone: None,
        milestones_reached: vec![],
        milestones_slipped: vec![],
        milestones_moved: vec![],
        issues_opened: vec![],
        issues_closed: vec![],
        issues_reopened: vec![],
        severity_changed: vec![],
        open_by_severity: vec![],
        risks: vec![],
        incidents: vec![],
        notes: vec![],
        releases: vec![],
        metrics: vec![],
        feedback_received: vec![],
        feedback_addressed: vec![],
        next_steps: vec![],
        cadence: None,
        empty: false,
    };

    // Health and progress: the latest note (not an incident) stating them at each end.
    let latest = |t: i64, f: &dyn Fn(&crate::content::Note) -> bool| {
        p.notes
            .iter()
            .filter(|n| n.kind != NoteKind::Incident && n.date.timestamp().as_second() <= t && f(n))
            .max_by(|x, y| x.date.cmp(&y.date))
    };
    r.health = FromTo {
        from: latest(a, &|n| n.health.is_some())
            .and_then(|n| n.health)
            .map(|h| h.as_str().to_string()),
        to: latest(b, &|n| n.health.is_some())
            .and_then(|n| n.health)
            .map(|h| h.as_str().to_string()),
    };
    r.progress = FromTo {
        from: latest(a, &|n| n.progress.is_some()).and_then(|n| n.progress),
        to: latest(b, &|n| n.progress.is_some()).and_then(|n| n.progress),
    };

    issues(input, a, b, &mut r);
    milestones(input, a, b, &mut r);

    for n in &p.notes {
        if n.kind == NoteKind::Incident {
            let started = n.date.timestamp().as_second();
            let resolved = n
                .resolved
                .as_ref()
                .map(|w| w.timestamp().as_second())
                .filter(|t| *t <= b);
            let overlaps = started <= b && resolved.is_none_or(|t| t > a);
            if overlaps {
                r.incidents.push(IncidentRef {
                    title: n.title.clone(),
                    url: format!("notes/{}.html", n.meta.slug),
                    started: rfc(&n.date),
                    resolved: n.resolved.as_ref().filter(|_| resolved.is_some()).map(rfc),
                    minutes: (resolved.unwrap_or(b) - started).max(0) / 60,
                });
            }
        } else if in_period(&n.date) {
            r.notes.push(NoteRef {
                title: n.title.clone(),
                url: format!("notes/{}.html", n.meta.slug),
                date: rfc(&n.date),
                kind: n.kind.as_str().into(),
            });
        }
    }
    r.notes.sort_by(|x, y| x.date.cmp(&y.date));

    for rel in input.releases {
        let (Some(tag), Some(c)) = (&rel.tag, &rel.commit) else {
            continue;
        };
        if c.time > a && c.time <= b {
            let changes = rel
                .groups
                .iter()
                .flat_map(|g| &g.entries)
                .map(|e| match &e.scope {
                    Some(s) => format!("{s}: {}", e.description),
                    None => e.description.clone(),
                })
                .collect();
            let fixed = p
                .issues
                .iter()
                .filter(|i| {
                    input
                        .traces
                        .get(&i.id)
                        .is_some_and(|t| t.fixed_in.as_ref().is_some_and(|(t, _)| t == tag))
                })
                .map(|i| FixedRef {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    url: format!("issues/{}.html", i.meta.slug),
                })
                .collect();
            r.releases.push(ReleaseRef {
                tag: tag.clone(),
                date: rfc(&When::from_commit(c.timestamp(), &tz)),
                changes,
                fixed,
            });
        }
    }

    for s in &p.metrics {
        let meta = input
            .config
            .metrics
            .get(&s.name)
            .cloned()
            .unwrap_or_default();
        // Points are sorted by time: the last one at or before `t`, by binary search.
        let at = |t: i64| {
            let after = s
                .points
                .partition_point(|(w, _)| w.timestamp().as_second() <= t);
            after.checked_sub(1).map(|i| s.points[i].1)
        };
        let to_v = at(b);
        r.metrics.push(MetricRow {
            name: s.name.clone(),
            label: meta.label.clone().unwrap_or_else(|| s.name.clone()),
            unit: meta.unit.clone().unwrap_or_default(),
            target: meta.target,
            better: if meta.better == Better::Lower {
                "lower"
            } else {
                "higher"
            },
            from: at(a),
            to: to_v,
            met: meta.target.zip(to_v).map(|(t, v)| {
                if meta.better == Better::Lower {
                    v <= t
                } else {
                    v >= t
                }
            }),
            from_text: at(a).map(crate::format::fmt_num),
            to_text: to_v.map(crate::format::fmt_num),
            target_text: meta.target.map(crate::format::fmt_num),
        });
    }

    for f in &p.feedback {
        let item = || FeedbackRef {
            from: f.from.clone(),
            date: rfc(&f.date),
            status: f.status.as_str().into(),
            response: f.response.clone(),
        };
        if in_period(&f.date) {
            r.feedback_received.push(item());
        }
        let before = state_at(input, &f.meta.path, a).map(|m| text(m, "status", "received"));
        if f.status == FeedbackStatus::Addressed
            && before.as_deref() != Some("addressed")
            && f.date.timestamp().as_second() <= b
        {
            r.feedback_addressed.push(item());
        }
    }

    r.next_steps = latest(b, &|_| true)
        .map(|n| crate::content::text::next_steps(&n.meta.body))
        .unwrap_or_default();
    r.cadence = cadence(input, a, b, &tz);
    r.empty = r.issues_opened.is_empty()
        && r.issues_closed.is_empty()
        && r.issues_reopened.is_empty()
        && r.severity_changed.is_empty()
        && r.milestones_reached.is_empty()
        && r.milestones_slipped.is_empty()
        && r.milestones_moved.is_empty()
        && r.notes.is_empty()
        && r.releases.is_empty()
        && r.incidents.is_empty()
        && r.feedback_received.is_empty()
        && r.feedback_addressed.is_empty();
    r
}

fn issues(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let mut open_counts = [0usize; 4];
    for i in &input.project.issues {
        let before = state_at(input, &i.meta.path, a);
        let after = state_at(input, &i.meta.path, b);
        let status_at = |m: Option<&Arc<Map<String, Value>>>| m.map(|m| text(m, "status", "open"));
        let (sa, sb) = (
            status_at(before),
            status_at(after).unwrap_or_else(|| i.status.as_str().into()),
        );
        let sev_b = after
            .map(|m| text(m, "severity", "major"))
            .unwrap_or_else(|| i.severity.as_str().into());
        let item = IssueRef {
            id: i.id.clone(),
            title: i.title.clone(),
            kind: i.kind.as_str().into(),
            severity: sev_b.clone(),
            status: sb.clone(),
            url: format!("issues/{}.html", i.meta.slug),
        };
        let opened = i.opened.timestamp().as_second();
        let exists_at_b = after.is_some() || opened <= b;
        if !exists_at_b {
            continue;
        }
        let closed_b = CLOSED.contains(&sb.as_str());
        if !closed_b && let Some(s) = Severity::BY_RANK.iter().position(|s| s.as_str() == sev_b) {
            open_counts[s] += 1;
        }
        match &sa {
            None => {
                if opened > a || before.is_none() {
                    r.issues_opened.push(item.clone());
                }
                if closed_b {
                    r.issues_closed.push(item.clone());
                }
            }
            Some(sa) => {
                let closed_a = CLOSED.contains(&sa.as_str());
                if !closed_a && closed_b {
                    r.issues_closed.push(item.clone());
                } else if closed_a && !closed_b {
                    r.issues_reopened.push(item.clone());
                }
                let sev_a = before
                    .map(|m| text(m, "severity", "major"))
                    .unwrap_or_default();
                if sev_a != sev_b {
                    r.severity_changed.push(SeverityChange {
                        issue: item.clone(),
                        from: sev_a,
                        to: sev_b.clone(),
                    });
                }
            }
        }
        if i.kind == IssueType::Risk
            && (sa.is_none()
                || sa.as_deref() != Some(&sb)
                || before.map(|m| text(m, "severity", "major")) != Some(sev_b.clone()))
        {
            r.risks.push(item);
        }
    }
    r.open_by_severity = Severity::BY_RANK
        .iter()
        .zip(open_counts)
        .map(|(s, count)| SeverityCount {
            severity: s.as_str().into(),
            count,
        })
        .collect();
}

fn milestones(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let tz = input.config.tz();
    let day = |s: &str| {
        When::parse(s, &tz)
            .map(|w| w.zoned.date().to_string())
            .unwrap_or_else(|_| s.to_string())
    };
    let mut upcoming: Vec<(String, MilestoneRef)> = Vec::new();
    for m in &input.project.milestones {
        let before = state_at(input, &m.meta.path, a);
        let after = state_at(input, &m.meta.path, b);
        let status_b = after
            .map(|x| text(x, "status", "planned"))
            .unwrap_or_else(|| m.status.as_str().into());
        let due_b = after
            .map(|x| text(x, "due", ""))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| m.due.zoned.date().to_string());
        let item = MilestoneRef {
            id: m.id.clone(),
            title: m.title.clone(),
            due: day(&due_b),
            status: status_b.clone(),
            url: format!("milestones/{}.html", m.meta.slug),
        };
        let status_a = before.map(|x| text(x, "status", "planned"));
        if status_b == MilestoneStatus::Done.as_str() && status_a.as_deref() != Some("done") {
            r.milestones_reached.push(item.clone());
        }
        if status_b == MilestoneStatus::Slipped.as_str() && status_a.as_deref() != Some("slipped") {
            r.milestones_slipped.push(item.clone());
        }
        if let Some(due_a) = before.map(|x| text(x, "due", "")).filter(|d| !d.is_empty())
            && day(&due_a) != day(&due_b)
        {
            r.milestones_moved.push(DueMove {
                milestone: item.clone(),
                from: day(&due_a),
                to: day(&due_b),
            });
        }
        if status_b != "done"
            && (after.is_some()
                || m.meta
                    .created
                    .as_ref()
                    .is_some_and(|c| c.timestamp().as_second() <= b))
        {
            upcoming.push((item.due.clone(), item));
        }
    }
    upcoming.sort_by(|x, y| x.0.cmp(&y.0));
    r.next_milestone = upcoming.into_iter().next().map(|(_, m)| m);
}

/// One reporting period: an ISO week (Monday to Sunday) or a calendar month.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// `2026-W45` or `2026-11`.
    pub key: String,
    /// `Week 45, 2026 (2 Nov – 8 Nov)` or `November 2026`.
    pub label: String,
    pub start: i64,
    pub end: i64,
}

/// Every period from the one holding `first` to the one holding `last` (Unix seconds).
pub fn periods(
    first: i64,
    last: i64,
    monthly: bool,
    tz: &jiff::tz::TimeZone,
    lang: &str,
) -> Vec<Period> {
    use jiff::civil::{Date, Weekday};
    let day = |t: i64| {
        jiff::Timestamp::from_second(t)
            .unwrap_or_default()
            .to_zoned_datetime(tz.clone())
            .date()
    };
    let start_of = |d: Date| {
        d.to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or_default()
    };
    let (mut d, end_day) = (day(first), day(last));
    d = if monthly {
        d.first_of_month()
    } else {
        d.saturating_sub(jiff::ToSpan::days(d.weekday().to_monday_zero_offset()))
    };
    let mut out = Vec::new();
    while d <= end_day && out.len() < 10_000 {
        let next = if monthly {
            d.last_of_month().tomorrow().unwrap_or(d)
        } else {
            d.saturating_add(jiff::ToSpan::days(7))
        };
        let (key, label) = if monthly {
            (
                format!("{:04}-{:02}", d.year(), d.month()),
                crate::format::month_label(d, lang),
            )
        } else {
            let w = d.iso_week_date();
            let last_day = next.yesterday().unwrap_or(d);
            let range = format!(
                "{} – {}",
                crate::dates::format_day(d, lang),
                crate::dates::format_day(last_day, lang)
            );
            let label = if lang.starts_with("zh") {
                format!("{}年第{}周（{range}）", w.year(), w.week())
            } else {
                format!("Week {}, {} ({range})", w.week(), w.year())
            };
            (format!("{:04}-W{:02}", w.year(), w.week()), label)
        };
        let _ = Weekday::Monday;
        out.push(Period {
            key,
            label,
            start: start_of(d) - 1,
            end: start_of(next) - 1,
        });
        d = next;
    }
    out
}

/// Compares the notes published with the cadence of `[communication]`.
fn cadence(input: &Input<'_>, a: i64, b: i64, tz: &jiff::tz::TimeZone) -> Option<Cadence> {
    let name = input
        .config
        .communication
        .cadence
        .clone()
        .unwrap_or_else(|| "weekly".into());
    let days = if name == "monthly" { 31 } else { 7 };
    let span = (b - a).max(0);
    let expected = (span / (days * 86_400)) as usize;
    let mut dates: Vec<i64> = input
        .project
        .notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident)
        .map(|n| n.date.timestamp().as_second())
        .collect();
    dates.sort_unstable();
    let published = dates.iter().filter(|t| **t > a && **t <= b).count();
    let show = |t: i64| {
        When::from_commit(jiff::Timestamp::from_second(t).unwrap_or_default(), tz)
            .view(&input.config.language)
            .stamp
    };
    // Walk the period: after each note (or the start), the next is due `days` (+1 grace) later.
    let grace = (days + 1) * 86_400;
    let mut late = Vec::new();
    let mut last = dates.iter().rev().find(|t| **t <= a).copied().unwrap_or(a);
    for t in dates
        .iter()
        .copied()
        .filter(|t| *t > a && *t <= b)
        .chain(std::iter::once(i64::MAX))
    {
        let due = last + grace;
        if due > a && due <= b && t > due {
            late.push(LateUpdate {
                due_by: show(due),
                published: (t != i64::MAX).then(|| show(t)),
            });
        }
        if t == i64::MAX {
            break;
        }
        last = t;
    }
    Some(Cadence {
        cadence: name,
        expected,
        published,
        late,
    })
}
