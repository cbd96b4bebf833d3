//! Views of what history says: item histories, incident updates, the timeline and the
//! changelog, ready for templates.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::linker::escape_into;
use super::views::*;
use crate::content::Note;
use crate::dates::{When, days_between};
use crate::forge::Forge;
use crate::format::Lang;
use crate::insight::Span;
use crate::insight::changelog::Release;
use crate::insight::history::{ItemHistory, Transition, Update};
use crate::insight::timeline::{Event, Target};
use crate::insight::trace::{IssueIds, Trace};
use crate::routes::Route;

/// The UI string prefix of a field's values (`status` → `status.open`).
fn value_prefix(field: &str, milestone: bool) -> Option<&'static str> {
    match field {
        "status" if milestone => Some("mstatus"),
        "status" => Some("status"),
        "severity" => Some("severity"),
        _ => None,
    }
}

/// A field change, with dates shown as readers expect them.
pub fn change_view(t: &Transition, milestone: bool, lang: &Lang, tz: &TimeZone) -> ChangeView {
    let show = |v: &Option<String>| {
        v.as_ref().map(|v| match t.field {
            "due" | "completed" => When::parse(v, tz)
                .map(|w| lang.date(w.zoned.date()))
                .unwrap_or_else(|_| v.clone()),
            _ => v.clone(),
        })
    };
    let key = |v: &Option<String>| {
        Some(format!(
            "{}.{}",
            value_prefix(t.field, milestone)?,
            v.as_ref()?
        ))
    };
    ChangeView {
        field: t.field.to_string(),
        from: show(&t.from),
        to: show(&t.to),
        from_key: key(&t.from),
        to_key: key(&t.to),
    }
}

/// An issue's or milestone's history.
pub fn history_view(
    h: Option<&ItemHistory>,
    opened: &When,
    now: &When,
    milestone: bool,
    lang: &Lang,
    tz: &TimeZone,
    forge: Option<&Forge>,
) -> HistoryView {
    let Some(h) = h else {
        return HistoryView::default();
    };
    let entries = h
        .entries
        .iter()
        .rev()
        .map(|e| HistoryEntryView {
            date: e.when.view(),
            author: e.commit.as_ref().map(|c| c.author.clone()),
            commit: e.commit.as_ref().map(|c| c.short().to_string()),
            commit_id: e.commit.as_ref().map(|c| c.id.clone()),
            commit_url: e
                .commit
                .as_ref()
                .and_then(|c| forge.map(|f| f.commit(&c.id))),
            opened: e.opened,
            made_public: e.made_public,
            changes: e
                .transitions
                .iter()
                .map(|t| change_view(t, milestone, lang, tz))
                .collect(),
        })
        .collect();
    HistoryView {
        entries,
        due_moves: h.due_moves,
        due_days: h.due_days,
        first_due: h
            .first_due
            .as_deref()
            .and_then(|d| When::parse(d, tz).ok())
            .map(|w| w.view()),
        days_to_close: h.closed_at.as_ref().map(|c| days_between(opened, c).max(0)),
        days_open: h
            .closed_at
            .is_none()
            .then(|| days_between(opened, now).max(0)),
        reached: None,
        reached_late_days: None,
        milestone: false,
    }
}

/// An incident's update log and duration.
pub fn incident_view(
    n: &Note,
    updates: &[Update],
    now: &When,
    lang: &Lang,
) -> (Vec<UpdateView>, Option<String>) {
    let updates = updates
        .iter()
        .map(|u| UpdateView {
            date: u.when.view(),
            first: u.first,
            added: u.added.clone(),
        })
        .collect();
    let text = match crate::insight::incident_span(n, now) {
        Some(Span::Minutes(m)) => Some(lang.duration(m)),
        Some(Span::Days(d)) => Some(lang.days(d)),
        None => None,
    };
    (updates, text)
}

/// The timeline grouped by month, newest first. `quiet` holds the periods in which
/// nothing happened, by report key, with the start of each: a run of two or more of them
/// becomes one line ("No updates 6 Feb – 27 Nov") instead of a report link per period.
pub fn timeline_view(
    events: &[Event],
    release_urls: &HashMap<String, String>,
    quiet: &HashMap<String, When>,
    lang: &Lang,
    tz: &TimeZone,
) -> Vec<MonthView> {
    let mut flat: Vec<(jiff::civil::Date, EventView)> = Vec::new();
    // The newest quiet period of the current run, and the start of its oldest.
    let mut run: Vec<(jiff::civil::Date, EventView, &When)> = Vec::new();
    for e in events {
        if let Target::Report(key) = &e.target
            && let Some(from) = quiet.get(key)
        {
            run.push((
                e.when.zoned.date(),
                event_view(e, release_urls, lang, tz),
                from,
            ));
            continue;
        }
        flush_quiet(&mut run, &mut flat);
        flat.push((e.when.zoned.date(), event_view(e, release_urls, lang, tz)));
    }
    flush_quiet(&mut run, &mut flat);
    let mut months: Vec<MonthView> = Vec::new();
    for (date, ev) in flat {
        let key = format!("{:04}-{:02}", date.year(), date.month());
        if months.last().is_none_or(|m| m.key != key) {
            months.push(MonthView {
                label: lang.month_of(date),
                key,
                events: Vec::new(),
            });
        }
        if let Some(m) = months.last_mut() {
            m.events.push(ev);
        }
    }
    months
}

/// Ends a run of quiet periods: one of them stays as it is, two or more become one line.
fn flush_quiet(
    run: &mut Vec<(jiff::civil::Date, EventView, &When)>,
    flat: &mut Vec<(jiff::civil::Date, EventView)>,
) {
    if run.len() >= 2 {
        let from = run.last().map(|(_, _, f)| f.view());
        let (date, mut ev, _) = run.swap_remove(0);
        ev.quiet_from = from;
        flat.push((date, ev));
    } else {
        flat.extend(run.iter().map(|(d, e, _)| (*d, e.clone())));
    }
    run.clear();
}

fn event_view(
    e: &Event,
    release_urls: &HashMap<String, String>,
    lang: &Lang,
    tz: &TimeZone,
) -> EventView {
    let url = match &e.target {
        Target::Note(s) => Route::Note(s.clone()).path(),
        Target::Issue(s) => Route::Issue(s.clone()).path(),
        Target::Milestone(s) => Route::Milestone(s.clone()).path(),
        Target::Release(tag) => release_urls
            .get(tag)
            .cloned()
            .unwrap_or_else(|| Route::Changelog.path()),
        Target::Report(key) => Route::Report(key.clone()).path(),
    };
    let change = e.change.as_ref().map(|(field, from, to)| {
        let t = Transition {
            field: leak_field(field),
            from: from.clone(),
            to: to.clone(),
        };
        change_view(&t, matches!(e.target, Target::Milestone(_)), lang, tz)
    });
    EventView {
        date: e.when.view(),
        kind: e.kind,
        group: e.kind.group(),
        title: e.title.clone(),
        url,
        change,
        quiet_from: None,
    }
}

/// Field names are a closed set; map them back to their static names.
fn leak_field(f: &str) -> &'static str {
    [
        "status",
        "severity",
        "owner",
        "due",
        "milestone",
        "completed",
    ]
    .into_iter()
    .find(|k| *k == f)
    .unwrap_or("status")
}

/// The work done on an issue: the commits that name it, newest first.
/// `edits` are the commits that only updated the issue's own file (the team keeping the
/// status pages current, "reopen ISS-7"): its history shows them; they are not work on it.
pub fn work_view(
    trace: Option<&Trace>,
    edits: &std::collections::HashSet<&str>,
    release_urls: &HashMap<String, String>,
    tz: &TimeZone,
    forge: Option<&Forge>,
) -> Vec<WorkView> {
    let Some(trace) = trace else {
        return Vec::new();
    };
    trace
        .work
        .iter()
        .filter(|w| !edits.contains(w.commit.id.as_str()))
        .map(|w| WorkView {
            date: When::from_commit(w.commit.timestamp(), tz).view(),
            author: w.commit.author.clone(),
            release: w.release.as_ref().and_then(|tag| {
                Some(LinkView {
                    title: tag.clone(),
                    url: release_urls.get(tag)?.clone(),
                })
            }),
            commit: w.commit.short().to_string(),
            commit_url: forge.map(|f| f.commit(&w.commit.id)),
            resolves: w.resolves,
        })
        .collect()
}

/// The release that shipped an issue's fix, if one did.
pub fn fixed_in_view(
    trace: Option<&Trace>,
    release_urls: &HashMap<String, String>,
    tz: &TimeZone,
) -> Option<FixedInView> {
    let (tag, commit) = trace?.fixed_in.as_ref()?;
    Some(FixedInView {
        tag: tag.clone(),
        date: When::from_commit(commit.timestamp(), tz).view(),
        url: release_urls.get(tag)?.clone(),
    })
}

/// The changelog, with each release's note where one names it, and each entry's issues.
pub fn changelog_view(
    releases: &[Release],
    notes: &[NoteView],
    issues: &[IssueView],
    release_urls: &HashMap<String, String>,
    tz: &TimeZone,
    forge: Option<&Forge>,
) -> Vec<ReleaseView> {
    let ids = IssueIds::new(issues.iter().map(|i| i.id.as_str()));
    let issue_links = |message: &str| -> Vec<LinkView> {
        ids.find(message)
            .into_iter()
            .filter_map(|(id, _)| issues.iter().find(|i| i.id == id))
            .map(|i| LinkView {
                title: i.id.clone(),
                url: i.url.clone(),
            })
            .collect()
    };
    releases
        .iter()
        .map(|r| {
            let note = r.tag.as_ref().and_then(|tag| {
                let bare = tag.trim_start_matches(['v', 'V']);
                notes
                    .iter()
                    .filter(|n| n.kind == crate::content::NoteKind::Release)
                    .find(|n| {
                        let version = n
                            .version
                            .as_deref()
                            .map(|v| v.trim_start_matches(['v', 'V']));
                        version == Some(bare)
                            || n.title
                                .split_whitespace()
                                .any(|w| w.trim_start_matches(['v', 'V']) == bare)
                    })
                    .map(|n| NoteLinkView {
                        title: n.title.clone(),
                        url: n.url.clone(),
                        summary: n.summary.clone(),
                    })
            });
            let url = r.tag.as_ref().and_then(|t| release_urls.get(t)).cloned();
            ReleaseView {
                archived: url.as_ref().is_some_and(|u| !u.contains('#')),
                url: url.unwrap_or_else(|| Route::Unreleased.path()),
                anchor: r
                    .tag
                    .as_deref()
                    .map_or("unreleased".into(), crate::content::sanitize_slug),
                tag: r.tag.clone(),
                date: r
                    .commit
                    .as_ref()
                    .map(|c| When::from_commit(c.timestamp(), tz).view()),
                commit: r.commit.as_ref().map(|c| c.short().to_string()),
                commit_url: r.commit.as_ref().and_then(|c| Some(forge?.commit(&c.id))),
                compare_url: forge.and_then(|f| {
                    let to = r.tag.as_deref().unwrap_or("HEAD");
                    Some(f.compare(r.previous.as_deref()?, to))
                }),
                note,
                groups: r
                    .groups
                    .iter()
                    .map(|g| GroupView {
                        kind: g.kind.clone(),
                        entries: g
                            .entries
                            .iter()
                            .map(|e| ChangeEntryView {
                                scope: e.scope.clone(),
                                description: e.description.clone(),
                                description_html: match forge {
                                    Some(f) => link_references(f, &e.description),
                                    None => {
                                        let mut h = String::new();
                                        escape_into(&e.description, &mut h);
                                        h
                                    }
                                },
                                breaking: e.breaking,
                                migration: e.migration.clone(),
                                issues: issue_links(&e.commit.message),
                                reverts: e.reverts.as_ref().map(|r| r[..r.len().min(7)].into()),
                                reverts_url: e
                                    .reverts
                                    .as_ref()
                                    .and_then(|r| Some(forge?.commit(r))),
                                commit: e.commit.short().to_string(),
                                commit_url: forge.map(|f| f.commit(&e.commit.id)),
                            })
                            .collect(),
                    })
                    .collect(),
                maintenance: r.maintenance,
            }
        })
        .collect()
}

/// `text` HTML-escaped, with every `#123` made a link to its issue or pull request on the
/// forge.
pub fn link_references(forge: &Forge, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        let digits: String = rest[i + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let before_ok = !rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '&');
        let after_ok = !rest[i + 1 + digits.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        let n = digits.parse::<u64>().ok().filter(|_| before_ok && after_ok);
        escape_into(&rest[..i], &mut out);
        match n {
            Some(n) => {
                out.push_str(&format!("<a href=\"{}\">#{digits}</a>", forge.reference(n)));
                rest = &rest[i + 1 + digits.len()..];
            }
            None => {
                out.push('#');
                rest = &rest[i + 1..];
            }
        }
    }
    escape_into(rest, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_link_only_whole_numbers() {
        let f = Forge::parse("https://codeberg.org/a/b").unwrap();
        assert_eq!(
            link_references(&f, "fix <x> (#12), not a#3 or #4b or &#38;"),
            "fix &lt;x&gt; (<a href=\"https://codeberg.org/a/b/issues/12\">#12</a>), not a#3 or #4b or &amp;#38;"
        );
    }
}
