//! The site-wide views: the site itself (title, navigation, revision), the dashboard,
//! the "How we work" page and the charts the dashboard shows.

use super::*;

/// Shared by every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub client: Option<String>,
    pub description: Option<String>,
    pub lang: String,
    pub base_url: Option<String>,
    /// The team's own view (`--internal`): every page says so.
    pub internal: bool,
    /// Built from the work tree, not a commit.
    pub preview: bool,
    pub revision: Option<RevisionView>,
    pub built: DateView,
    pub nav: Vec<NavItem>,
    pub feedback_url: Option<String>,
    pub feedback_email: Option<String>,
    /// Open incidents: a banner on every page.
    pub incidents: Vec<LinkView>,
    pub has_metrics: bool,
    /// `#rrggbb`, validated.
    pub brand_color: Option<String>,
    /// The logo's URL relative to the site root.
    pub logo: Option<String>,
    /// When the next status note is due (the latest note plus the cadence).
    pub next_update: Option<DateView>,
    /// Overdue when the site was built; each page also checks the reader's clock.
    pub next_update_overdue: bool,
    /// The latest status note's date: every page says how fresh it is.
    pub last_update: Option<DateView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub id: String,
    pub short: String,
    /// The commit's page on the forge, when `repository` is set.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: String,
    pub title: String,
    /// The entries of a group (a top-level entry with children opens as a menu).
    pub children: Vec<NavItem>,
    /// The sections of the group's children, to mark the group as current.
    pub sections: Vec<String>,
    pub url: String,
    /// Absolute or external: not prefixed with the page's root.
    pub external: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

/// The menu: at most seven top-level entries (Overview · Updates · Issues & risks ·
/// Milestones · Quality · Glossary · About), a group holding what belongs together; a
/// group of one is shown as its entry.
fn nav_view(
    p: &Project,
    input: &ViewInput<'_>,
    pages: &[PageView],
    has_metrics: bool,
) -> Vec<NavItem> {
    let item = |key: &str, route: Route| NavItem {
        key: key.into(),
        title: String::new(),
        children: Vec::new(),
        sections: vec![key.into()],
        url: route.path(),
        external: false,
    };
    let group = |key: &str, children: Vec<NavItem>| -> Option<NavItem> {
        match children.len() {
            0 => None,
            1 => children.into_iter().next(),
            _ => Some(NavItem {
                key: key.into(),
                title: String::new(),
                sections: children.iter().flat_map(|c| c.sections.clone()).collect(),
                url: children[0].url.clone(),
                children,
                external: false,
            }),
        }
    };
    let mut updates = vec![item("notes", Route::Notes)];
    if !input.reports.is_empty() {
        updates.push(item("reports", Route::Reports));
    }
    updates.push(item("timeline", Route::Timeline));
    if !input.history.changelog.is_empty() {
        updates.push(item("changelog", Route::Changelog));
    }
    let mut about = vec![item("how", Route::How)];
    about.extend(pages.iter().filter(|p| p.nav).map(|pg| NavItem {
        key: format!("page-{}", pg.slug),
        title: pg.title.clone(),
        children: Vec::new(),
        sections: vec![format!("page-{}", pg.slug)],
        url: pg.url.clone(),
        external: false,
    }));
    if !p.feedback.is_empty() {
        about.push(item("feedback", Route::Feedback));
    }
    about.extend(input.config.nav.iter().map(|l| NavItem {
        key: String::new(),
        title: l.title.clone(),
        children: Vec::new(),
        sections: Vec::new(),
        url: l.url.clone(),
        external: l.url.contains("://") || l.url.starts_with('/') || l.url.starts_with("mailto:"),
    }));
    [
        Some(item("dashboard", Route::Home)),
        group("updates", updates),
        Some(item("issues", Route::Issues)),
        Some(item("milestones", Route::Milestones)),
        has_metrics.then(|| item("metrics", Route::Metrics)),
        (!p.terms.is_empty()).then(|| item("glossary", Route::Glossary)),
        group("about", about),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub(super) fn site_view(
    p: &Project,
    input: &ViewInput<'_>,
    pages: &[PageView],
    has_metrics: bool,
) -> SiteView {
    let c = input.config;
    let last_update = p
        .notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident)
        .map(|n| &n.date)
        .max();
    let next_update = last_update.and_then(|d| {
        let due = insight::next_update_due(c, d.zoned.date());
        Some(When {
            zoned: due.to_zoned_datetime(d.zoned.time_zone().clone()).ok()?,
            date_only: true,
        })
    });
    let nav = nav_view(p, input, pages, has_metrics);
    SiteView {
        title: c.title.clone(),
        client: c.client.clone(),
        description: c.description.clone(),
        lang: c.language.clone(),
        base_url: c.base_url(),
        internal: input.internal,
        preview: input.preview,
        revision: input.revision.clone(),
        built: input.now.view(),
        nav,
        feedback_url: c.feedback.url.clone(),
        feedback_email: c.feedback.email.clone(),
        incidents: insight::open_incidents(p)
            .into_iter()
            .map(|n| LinkView {
                title: n.title.clone(),
                url: Route::Note(n.meta.slug.clone()).path(),
            })
            .collect(),
        has_metrics,
        brand_color: c.brand_color.clone(),
        logo: c
            .logo
            .as_ref()
            .and_then(|l| l.strip_prefix("static/"))
            .map(str::to_string),
        next_update: next_update.as_ref().map(|w| w.view()),
        // Due *by* a day: late once that day is over.
        next_update_overdue: next_update.as_ref().is_some_and(|w| {
            w.zoned
                .checked_add(jiff::SignedDuration::from_hours(24))
                .is_ok_and(|end| end < input.now.zoned)
        }),
        last_update: last_update.map(|w| w.view()),
    }
}

/// The "How we work" page: the communication plan, quality targets and acceptance.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HowView {
    pub cadence: Option<String>,
    /// The weekday a weekly note is due (1 Monday … 7 Sunday), from `[communication] day`.
    pub day: Option<i8>,
    pub channels: Vec<String>,
    pub owners: Vec<(String, String)>,
    pub escalation: Vec<String>,
    /// Metrics that have a target.
    pub targets: Vec<MetricView>,
    pub milestones: Vec<MilestoneView>,
    pub pages: Vec<PageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DashboardView {
    pub health: Option<Health>,
    pub health_note: Option<LinkView>,
    pub progress: Option<u8>,
    pub next_milestone: Option<MilestoneView>,
    pub open_defects: Vec<SeverityCount>,
    pub open_defects_total: usize,
    pub open_risks: Vec<IssueView>,
    pub open_issues: usize,
    pub latest_notes: Vec<NoteView>,
    pub metrics: Vec<MetricView>,
    pub feedback: Vec<StatusCount>,
    pub milestones_done: usize,
    pub milestones_total: usize,
    /// Open incidents first, then those resolved in the last 90 days (with durations).
    pub incidents: Vec<NoteView>,
    /// "What happens next": the Next steps of the latest note that has them.
    pub next_steps: Vec<String>,
    /// The note they come from.
    pub next_steps_note: Option<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    pub status: FeedbackStatus,
    pub count: usize,
}

pub(super) fn dashboard_view(
    p: &Project,
    notes: &[NoteView],
    issues: &[IssueView],
    milestones: &[MilestoneView],
    metrics: &[MetricView],
    now: i64,
) -> DashboardView {
    let dash = insight::dashboard(p);
    let recent = now - 90 * 86_400;
    let mut incidents: Vec<NoteView> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::Incident)
        .filter(|n| n.open_incident || n.resolved.as_ref().is_some_and(|r| r.ts >= recent))
        .cloned()
        .collect();
    incidents.sort_by_key(|n| !n.open_incident);
    let steps = p
        .notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident)
        .map(|n| (n, crate::content::text::next_steps(&n.meta.body)))
        .find(|(_, s)| !s.is_empty());
    let link = |n: &Note| LinkView {
        title: n.title.clone(),
        url: Route::Note(n.meta.slug.clone()).path(),
    };
    let open_defects: Vec<SeverityCount> = dash
        .open_defects
        .iter()
        .map(|(s, c)| SeverityCount {
            severity: *s,
            count: *c,
        })
        .collect();
    let mut open_risks: Vec<IssueView> = issues
        .iter()
        .filter(|i| i.open && i.kind == IssueType::Risk)
        .cloned()
        .collect();
    open_risks.sort_by_key(|i| i.severity_rank);
    DashboardView {
        incidents,
        next_steps_note: steps.as_ref().map(|(n, _)| link(n)),
        next_steps: steps.map(|(_, s)| s).unwrap_or_default(),
        health: dash.health.map(|h| h.0),
        health_note: dash.health.map(|h| link(h.1)),
        progress: dash.progress.map(|p| p.0),
        next_milestone: dash
            .next_milestone
            .and_then(|m| milestones.iter().find(|v| v.id == m.id).cloned()),
        open_defects_total: open_defects.iter().map(|c| c.count).sum(),
        open_defects,
        open_risks,
        open_issues: dash.open_issues,
        latest_notes: notes
            .iter()
            .filter(|n| n.kind != NoteKind::Incident)
            .take(3)
            .cloned()
            .collect(),
        metrics: metrics.to_vec(),
        feedback: dash
            .feedback
            .iter()
            .map(|(s, c)| StatusCount {
                status: *s,
                count: *c,
            })
            .collect(),
        milestones_done: milestones
            .iter()
            .filter(|m| m.status == MilestoneStatus::Done)
            .count(),
        milestones_total: milestones.len(),
    }
}

/// Inline SVG charts (empty strings when there is nothing to draw).
#[derive(Debug, Clone, Serialize, Default)]
pub struct ChartsView {
    /// Progress over time, from the notes' `progress`.
    pub progress: String,
    /// Open issues by severity at the end of each report period, and all reported so far.
    pub burndown: String,
    /// Milestones: planned against actual dates.
    pub milestones: String,
}

/// The project's charts.
pub(super) fn charts_view(
    p: &Project,
    input: &ViewInput<'_>,
    milestones: &[MilestoneView],
) -> ChartsView {
    use crate::render::chart::{Axis, Series, line_chart, milestone_chart};
    let lang = input.lang;
    let mut progress: Vec<(i64, f64)> = p
        .notes
        .iter()
        .filter_map(|n| Some((n.date.timestamp().as_second(), f64::from(n.progress?))))
        .collect();
    progress.sort_by_key(|x| x.0);
    let progress_chart = match (progress.first(), progress.last()) {
        (Some(a), Some(b)) if progress.len() > 1 => {
            let day = |t: i64| crate::render::chart::day_label(t, &input.config.tz(), lang);
            let desc = label(input, "chart.progress_desc")
                .replace("{from}", &lang.number(a.1))
                .replace("{to}", &lang.number(b.1))
                .replace("{start}", &day(a.0))
                .replace("{end}", &day(b.0));
            let s = Series {
                label: &label(input, "dash.progress"),
                class: "s-progress",
                points: progress.clone(),
                dashed: false,
            };
            line_chart(
                &label(input, "chart.progress"),
                &desc,
                &[s],
                None,
                "%",
                Axis::Percent,
                lang,
                &input.config.tz(),
            )
        }
        _ => String::new(),
    };
    // Burn-down from the period reports (oldest first).
    let mut reports: Vec<&(insight::report::Period, insight::report::Report)> =
        input.reports.iter().collect();
    reports.sort_by_key(|r| r.0.start);
    let burndown = if reports.len() > 1 {
        let names: Vec<String> = Severity::BY_RANK
            .iter()
            .map(|s| label(input, &format!("severity.{}", s.as_str())))
            .collect();
        let mut series: Vec<Series<'_>> = Severity::BY_RANK
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                label: &names[i],
                class: ["s-critical", "s-major", "s-minor", "s-trivial"][i],
                points: reports
                    .iter()
                    .map(|(per, r)| {
                        (
                            per.end,
                            r.open_by_severity
                                .iter()
                                .find(|c| c.severity == s.as_str())
                                .map_or(0.0, |c| c.count as f64),
                        )
                    })
                    .collect(),
                dashed: false,
            })
            .collect();
        let mut total = 0.0;
        let scope_label = label(input, "chart.reported");
        let scope: Vec<(i64, f64)> = reports
            .iter()
            .map(|(per, r)| {
                total += (r.issues_opened.len() + r.issues_reported_and_resolved.len()) as f64;
                (per.end, total)
            })
            .collect();
        series.push(Series {
            label: &scope_label,
            class: "s-scope",
            points: scope,
            dashed: true,
        });
        line_chart(
            &label(input, "chart.burndown"),
            &label(input, "chart.burndown_desc"),
            &series,
            None,
            "",
            Axis::Count,
            lang,
            &input.config.tz(),
        )
    } else {
        String::new()
    };
    let rows: Vec<(String, i64, i64, bool, bool)> = p
        .milestones
        .iter()
        .zip(milestones)
        .map(|(m, v)| {
            let planned = v
                .history
                .first_due
                .as_ref()
                .map_or(m.due.timestamp().as_second(), |d| d.ts);
            let actual = m
                .completed
                .as_ref()
                .map_or(m.due.timestamp().as_second(), |c| c.timestamp().as_second());
            (
                m.title.clone(),
                planned,
                actual,
                m.status == MilestoneStatus::Done,
                v.late || actual > planned + 86_399,
            )
        })
        .collect();
    ChartsView {
        progress: progress_chart,
        burndown,
        milestones: milestone_chart(
            &label(input, "chart.milestones"),
            [
                &label(input, "chart.milestone_row"),
                &label(input, "chart.milestone_row_done"),
            ],
            &rows,
            lang,
            &input.config.tz(),
        ),
    }
}
