//! A report as Markdown (for e-mail and chat) or plain text. The HTML forms are templates
//! (`report.html` standalone, `report_page.html` on the site); JSON is the `Report` itself.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::insight::report::{IssueRef, Report};

/// Markdown or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Markdown,
    Text,
}

/// Writes a report; `base` (the site's address) turns references into links.
pub fn write(
    r: &Report,
    t: &BTreeMap<String, String>,
    lang: &str,
    base: Option<&str>,
    style: Style,
) -> String {
    let s = |k: &str| t.get(k).cloned().unwrap_or_else(|| k.to_string());
    let md = style == Style::Markdown;
    let mut o = String::new();
    let h1 = |o: &mut String, x: &str| {
        let _ = if md {
            writeln!(o, "# {x}\n")
        } else {
            writeln!(o, "{x}\n{}\n", "=".repeat(x.chars().count().max(4)))
        };
    };
    let h2 = |o: &mut String, x: &str| {
        let _ = if md {
            writeln!(o, "\n## {x}\n")
        } else {
            writeln!(o, "\n{x}\n{}", "-".repeat(x.chars().count().max(4)))
        };
    };
    let link = |title: &str, url: &str| match (md, base) {
        (true, Some(b)) => format!("[{title}]({b}{url})"),
        (false, Some(b)) => format!("{title} <{b}{url}>"),
        _ => title.to_string(),
    };
    let day = |x: &str| x.get(..10).unwrap_or(x).to_string();
    let bold = |x: &str| {
        if md {
            format!("**{x}**")
        } else {
            x.to_string()
        }
    };
    let issue = |i: &IssueRef| {
        format!(
            "{} ({}, {}, {})",
            link(&format!("{} {}", i.id, i.title), &i.url),
            s(&format!("type.{}", i.kind)),
            s(&format!("severity.{}", i.severity)),
            s(&format!("status.{}", i.status))
        )
    };

    h1(&mut o, &format!("{} — {}", r.project, s("report.title")));
    let commits = match (&r.from.commit, &r.to.commit) {
        (Some(a), Some(b)) => format!(
            " ({} {} → {})",
            s("report.commits"),
            &a[..a.len().min(10)],
            &b[..b.len().min(10)]
        ),
        (None, Some(b)) => format!(" ({} → {})", s("report.commits"), &b[..b.len().min(10)]),
        _ => String::new(),
    };
    let _ = writeln!(
        o,
        "{}: {} → {}{commits}",
        bold(&s("report.period")),
        day(&r.from.time),
        day(&r.to.time)
    );
    let health = |h: &Option<String>| {
        h.as_ref()
            .map_or_else(|| s("health.unknown"), |h| s(&format!("health.{h}")))
    };
    let _ = writeln!(
        o,
        "\n{}: {} → {}",
        bold(&s("report.health")),
        health(&r.health.from),
        health(&r.health.to)
    );
    let pct = |p: Option<u8>| p.map_or("–".to_string(), |p| format!("{p}%"));
    let bar = r
        .progress
        .to
        .map(|p| {
            format!(
                " {}{}",
                "▓".repeat(p as usize / 10),
                "░".repeat(10 - p as usize / 10)
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "\n{}: {} → {}{bar}",
        bold(&s("report.progress")),
        pct(r.progress.from),
        pct(r.progress.to)
    );
    if let Some(m) = &r.next_milestone {
        let _ = writeln!(
            o,
            "\n{}: {} ({} {})",
            bold(&s("report.next_milestone")),
            link(&m.title, &m.url),
            s("milestone.due"),
            m.due
        );
    }
    if r.empty {
        let _ = writeln!(o, "\n{}", s("report.empty"));
    }

    let list = |o: &mut String, label: &str, items: Vec<String>| {
        if !items.is_empty() {
            let _ = writeln!(
                o,
                "\n{}:\n",
                if md {
                    format!("**{label}**")
                } else {
                    label.to_string()
                }
            );
            for i in items {
                let _ = writeln!(o, "- {i}");
            }
        }
    };
    if !(r.milestones_reached.is_empty()
        && r.milestones_slipped.is_empty()
        && r.milestones_moved.is_empty())
    {
        h2(&mut o, &s("report.milestones"));
        list(
            &mut o,
            &s("report.reached"),
            r.milestones_reached
                .iter()
                .map(|m| link(&m.title, &m.url))
                .collect(),
        );
        list(
            &mut o,
            &s("report.slipped"),
            r.milestones_slipped
                .iter()
                .map(|m| {
                    format!(
                        "{} ({} {})",
                        link(&m.title, &m.url),
                        s("milestone.due"),
                        m.due
                    )
                })
                .collect(),
        );
        list(
            &mut o,
            &s("report.moved"),
            r.milestones_moved
                .iter()
                .map(|d| {
                    format!(
                        "{}: {} → {}",
                        link(&d.milestone.title, &d.milestone.url),
                        d.from,
                        d.to
                    )
                })
                .collect(),
        );
    }
    h2(&mut o, &s("report.issues"));
    list(
        &mut o,
        &s("report.opened"),
        r.issues_opened.iter().map(issue).collect(),
    );
    list(
        &mut o,
        &s("report.closed"),
        r.issues_closed.iter().map(issue).collect(),
    );
    list(
        &mut o,
        &s("report.reopened"),
        r.issues_reopened.iter().map(issue).collect(),
    );
    list(
        &mut o,
        &s("report.severity_changed"),
        r.severity_changed
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {}",
                    link(&format!("{} {}", c.issue.id, c.issue.title), &c.issue.url),
                    s(&format!("severity.{}", c.from)),
                    s(&format!("severity.{}", c.to))
                )
            })
            .collect(),
    );
    list(
        &mut o,
        &s("report.risks"),
        r.risks.iter().map(issue).collect(),
    );
    let counts: Vec<String> = r
        .open_by_severity
        .iter()
        .map(|c| format!("{} {}", c.count, s(&format!("severity.{}", c.severity))))
        .collect();
    let _ = writeln!(
        o,
        "\n{}: {}",
        bold(&s("report.open_now")),
        counts.join(", ")
    );
    if !r.incidents.is_empty() {
        h2(&mut o, &s("report.incidents"));
        for i in &r.incidents {
            let end = i
                .resolved
                .as_deref()
                .map_or_else(|| s("report.ongoing"), day);
            let span = crate::render::history_views::span_text(i.minutes, i.days, lang)
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "- {}: {} → {}{span}",
                link(&i.title, &i.url),
                day(&i.started),
                end,
            );
        }
    }
    if !r.notes.is_empty() {
        h2(&mut o, &s("report.notes"));
        for n in &r.notes {
            let _ = writeln!(o, "- {} ({})", link(&n.title, &n.url), day(&n.date));
        }
    }
    if !r.releases.is_empty() {
        h2(&mut o, &s("report.releases"));
        for rel in &r.releases {
            let _ = writeln!(o, "- {} ({})", bold(&rel.tag), day(&rel.date));
            for c in &rel.changes {
                let _ = writeln!(o, "  - {c}");
            }
            for i in &rel.fixed {
                let title = format!("{} {}", i.id, i.title);
                let _ = writeln!(o, "  - {}: {}", s("report.fixed"), link(&title, &i.url));
            }
        }
    }
    if !r.metrics.is_empty() {
        h2(&mut o, &s("report.metrics"));
        let num = |v: Option<f64>, unit: &str| {
            v.map_or("–".to_string(), |v| {
                format!("{}{unit}", crate::format::fmt_num(v))
            })
        };
        if md {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |\n|---|---|---|---|",
                s("metrics.metric"),
                s("report.then"),
                s("report.now"),
                s("metrics.target")
            );
        }
        for m in &r.metrics {
            let met = match m.met {
                Some(true) => format!(" ✓ {}", s("metrics.met")),
                Some(false) => format!(" ✗ {}", s("metrics.not_met")),
                None => String::new(),
            };
            let target = num(m.target, &m.unit);
            if md {
                let _ = writeln!(
                    o,
                    "| {} | {} | {}{met} | {target} |",
                    m.label,
                    num(m.from, &m.unit),
                    num(m.to, &m.unit)
                );
            } else {
                let _ = writeln!(
                    o,
                    "- {}: {} → {}{met} ({} {target})",
                    m.label,
                    num(m.from, &m.unit),
                    num(m.to, &m.unit),
                    s("metrics.target")
                );
            }
        }
    }
    if !(r.feedback_received.is_empty() && r.feedback_addressed.is_empty()) {
        h2(&mut o, &s("report.feedback"));
        list(
            &mut o,
            &s("report.received"),
            r.feedback_received
                .iter()
                .map(|f| format!("{} ({})", f.from, day(&f.date)))
                .collect(),
        );
        list(
            &mut o,
            &s("report.addressed"),
            r.feedback_addressed
                .iter()
                .map(|f| format!("{}: {}", f.from, f.response.clone().unwrap_or_default()))
                .collect(),
        );
    }
    if !r.next_steps.is_empty() {
        h2(&mut o, &s("report.next_steps"));
        for n in &r.next_steps {
            let _ = writeln!(o, "- {n}");
        }
    }
    if let Some(c) = &r.cadence {
        h2(&mut o, &s("report.communication"));
        let line = s("report.cadence_line")
            .replace("{published}", &c.published.to_string())
            .replace("{expected}", &c.expected.to_string())
            .replace("{cadence}", &s(&format!("report.{}", c.cadence)));
        let _ = writeln!(o, "{line}");
        for l in &c.late {
            let text = match &l.published {
                Some(p) => s("report.late")
                    .replace("{due}", &day(&l.due_by))
                    .replace("{when}", &day(p)),
                None => s("report.late_never").replace("{due}", &day(&l.due_by)),
            };
            let _ = writeln!(o, "- {text}");
        }
    }
    o
}
