//! Issues, milestones, glossary terms, feedback and free pages: one view per item, with
//! the histories git gives each.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    pub url: String,
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: IssueType,
    pub status: IssueStatus,
    pub open: bool,
    pub severity: Severity,
    pub severity_rank: u8,
    pub opened: DateView,
    pub updated: Option<DateView>,
    pub due: Option<DateView>,
    pub overdue: bool,
    pub owner: Option<String>,
    pub milestone: Option<LinkView>,
    pub tags: Vec<String>,
    pub html: String,
    pub internal: bool,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub history: HistoryView,
    /// The commits that name this issue, newest first.
    pub work: Vec<WorkView>,
    /// The release that shipped the commit that resolved it.
    pub fixed_in: Option<FixedInView>,
}

/// A commit traced to an issue: the work done on it. Its message is developer text and never
/// shown here (the changelog is the one place commit messages reach a client): the page says
/// when, who, whether it was the fix, and which release shipped it.
#[derive(Debug, Clone, Serialize)]
pub struct WorkView {
    pub date: DateView,
    pub author: String,
    /// The release that shipped this commit, if one has.
    pub release: Option<LinkView>,
    pub commit: String,
    pub commit_url: Option<String>,
    /// The commit says it resolves the issue (`Fixes: ISS-7`).
    pub resolves: bool,
}

/// "Fixed in v0.2.0, released 30 Jan".
#[derive(Debug, Clone, Serialize)]
pub struct FixedInView {
    pub tag: String,
    pub date: DateView,
    pub url: String,
}

/// An item's history as the page shows it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HistoryView {
    pub entries: Vec<HistoryEntryView>,
    /// How many times the due date moved, and by how many days in all (net).
    pub due_moves: usize,
    pub due_days: i64,
    /// The first due date ever set.
    pub first_due: Option<DateView>,
    /// An issue: days from its report to its resolution.
    pub days_to_close: Option<i64>,
    /// An issue: days open so far (still open).
    pub days_open: Option<i64>,
    /// A milestone: when it was completed (its `completed` date, else the commit that
    /// marked it done).
    pub reached: Option<DateView>,
    /// A completed milestone: days between the date first planned and its completion
    /// (positive: later).
    pub reached_late_days: Option<i64>,
    /// A milestone's history (its first entry adds it to the plan; nothing is "reported").
    pub milestone: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntryView {
    pub date: DateView,
    /// Author and commit, absent for a commit the client may not see.
    pub author: Option<String>,
    pub commit: Option<String>,
    pub commit_id: Option<String>,
    /// The commit's page on the forge, when `repository` is set.
    pub commit_url: Option<String>,
    pub opened: bool,
    /// The item was internal before this entry and became visible here.
    pub made_public: bool,
    pub changes: Vec<ChangeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The UI string key of a value (`status.open`), when it has one.
    pub from_key: Option<String>,
    pub to_key: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneView {
    pub url: String,
    pub id: String,
    pub title: String,
    pub due: DateView,
    pub status: MilestoneStatus,
    pub late: bool,
    pub completed: Option<DateView>,
    pub criteria: Vec<Criterion>,
    pub criteria_done: usize,
    /// Acceptance progress in percent (criteria done / all), if it has criteria.
    pub percent: Option<u8>,
    pub html: String,
    pub issues: Vec<LinkView>,
    pub internal: bool,
    pub history: HistoryView,
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub anchor: String,
    /// The A–Z group: the first Latin letter (Chinese terms by their pinyin), else `#`.
    pub letter: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub category: Option<String>,
    pub short: String,
    pub html: String,
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedbackView {
    pub anchor: String,
    pub date: DateView,
    pub from: String,
    pub channel: Option<String>,
    pub rating: Option<u8>,
    pub status: FeedbackStatus,
    pub response: Option<String>,
    pub issues: Vec<LinkView>,
    pub html: String,
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub url: String,
    pub slug: String,
    pub title: String,
    pub nav: bool,
    pub html: String,
    pub updated: Option<DateView>,
    pub internal: bool,
}

/// A commit that only keeps the status pages up to date (`docs(status): reopen ISS-7`):
/// when it edits the issue's own file, its history shows it and it is not work on the
/// issue. A fix committed together with the issue's new status (`fix: …`, `Fixes: ISS-7`)
/// stays work.
fn status_update(message: &str) -> bool {
    insight::changelog::Conventional::parse(message)
        .is_some_and(|c| matches!(c.kind.as_str(), "docs" | "chore"))
}

/// An issue's history names the milestones it moved between by their titles, as the client
/// knows them, not by their ids (`M2 → M3`).
fn named_milestones(
    mut history: HistoryView,
    milestones: &std::collections::HashMap<&str, &Milestone>,
) -> HistoryView {
    let title = |v: &mut Option<String>| {
        if let Some(m) = v.as_deref().and_then(|id| milestones.get(id)) {
            *v = Some(m.title.clone());
        }
    };
    for c in history
        .entries
        .iter_mut()
        .flat_map(|e| e.changes.iter_mut())
        .filter(|c| c.field == "milestone")
    {
        title(&mut c.from);
        title(&mut c.to);
    }
    history
}

/// Every issue's view, with its history, the work traced to it and the release that fixed it.
pub(super) fn issue_views(ctx: &Ctx<'_>) -> Vec<IssueView> {
    let (p, input) = (ctx.p, ctx.input);
    let hist = input.history;
    let milestones: std::collections::HashMap<&str, &Milestone> =
        p.milestones.iter().map(|m| (m.id.as_str(), m)).collect();
    let milestone_link = |id: &str| {
        milestones.get(id).map(|m| LinkView {
            title: m.title.clone(),
            url: Route::Milestone(m.meta.slug.clone()).path(),
        })
    };
    use rayon::prelude::*;
    p.issues
        .par_iter()
        .map(|i| IssueView {
            url: Route::Issue(i.meta.slug.clone()).path(),
            id: i.id.clone(),
            title: i.title.clone(),
            kind: i.kind,
            status: i.status,
            open: i.status.is_open(),
            severity: i.severity,
            severity_rank: i.severity.rank(),
            opened: ctx.date(&i.opened),
            updated: ctx.opt_date(&i.meta.updated),
            due: ctx.opt_date(&i.due),
            overdue: i.status.is_open() && i.due.as_ref().is_some_and(|due| due < &input.now),
            owner: i.owner.clone(),
            milestone: i.milestone.as_deref().and_then(milestone_link),
            tags: i.tags.clone(),
            html: ctx.html(&i.meta).html,
            internal: i.meta.internal || i.meta.draft,
            extra: i.meta.extra.clone(),
            history: named_milestones(
                history_view(
                    hist.issues.get(&i.meta.path),
                    &i.opened,
                    &input.now,
                    false,
                    input.lang,
                    &ctx.tz,
                    ctx.forge.as_ref(),
                ),
                &milestones,
            ),
            work: work_view(
                hist.traces.get(&i.id),
                &hist
                    .issues
                    .get(&i.meta.path)
                    .map(|h| {
                        h.entries
                            .iter()
                            .filter_map(|e| e.commit.as_ref())
                            .filter(|c| status_update(&c.message))
                            .map(|c| c.id.as_str())
                            .collect()
                    })
                    .unwrap_or_default(),
                &ctx.release_urls,
                &ctx.tz,
                ctx.forge.as_ref(),
            ),
            // A fix that shipped and did not hold is no longer "fixed in" anything: the
            // work list still shows the release that carried it.
            fixed_in: (!i.status.is_open())
                .then(|| fixed_in_view(hist.traces.get(&i.id), &ctx.release_urls, &ctx.tz))
                .flatten(),
        })
        .collect()
}

/// A link to an issue by id, from the issues' views.
fn issue_links<'v>(p: &Project, issues: &'v [IssueView]) -> impl Fn(&str) -> Option<LinkView> + 'v {
    let at = insight::issue_positions(p)
        .into_iter()
        .map(|(id, k)| (id.to_string(), k))
        .collect::<std::collections::HashMap<String, usize>>();
    move |id: &str| {
        at.get(id).map(|k| &issues[*k]).map(|i| LinkView {
            title: format!("{} {}", i.id, i.title),
            url: i.url.clone(),
        })
    }
}

/// Every milestone's view, with its acceptance criteria, issues and history.
pub(super) fn milestone_views(ctx: &Ctx<'_>, issues: &[IssueView]) -> Vec<MilestoneView> {
    let (p, input) = (ctx.p, ctx.input);
    let by_milestone = insight::issues_by_milestone(p);
    let issue_link = issue_links(p, issues);
    p.milestones
        .iter()
        .map(|m| {
            let criteria: Vec<Criterion> = m
                .criteria
                .iter()
                .map(|(t, done)| Criterion {
                    text: t.clone(),
                    done: *done,
                })
                .collect();
            let criteria_done = criteria.iter().filter(|c| c.done).count();
            MilestoneView {
                url: Route::Milestone(m.meta.slug.clone()).path(),
                id: m.id.clone(),
                title: m.title.clone(),
                due: ctx.date(&m.due),
                status: m.status,
                late: insight::milestone_late(m, &input.now),
                completed: ctx.opt_date(&m.completed),
                percent: (!criteria.is_empty())
                    .then(|| (criteria_done * 100 / criteria.len()) as u8),
                criteria_done,
                criteria,
                html: ctx.html(&m.meta).html,
                issues: (by_milestone.get(m.id.as_str()).into_iter().flatten())
                    .filter_map(|k| issue_link(&p.issues[*k].id))
                    .collect(),
                internal: m.meta.internal || m.meta.draft,
                history: milestone_history(
                    history_view(
                        input.history.milestones.get(&m.meta.path),
                        m.meta.created.as_ref().unwrap_or(&m.due),
                        &input.now,
                        true,
                        input.lang,
                        &ctx.tz,
                        ctx.forge.as_ref(),
                    ),
                    m,
                    input.history.milestones.get(&m.meta.path),
                ),
            }
        })
        .collect()
}

/// A milestone's history in a milestone's words: when it was completed and how that
/// compares with the date first planned, never an issue's "resolved N days after it was
/// reported".
fn milestone_history(
    mut view: HistoryView,
    m: &Milestone,
    h: Option<&crate::insight::history::ItemHistory>,
) -> HistoryView {
    view.days_to_close = None;
    view.days_open = None;
    view.milestone = true;
    let reached = m
        .completed
        .clone()
        .or_else(|| h.and_then(|h| h.closed_at.clone()))
        .filter(|_| m.status.is_done());
    let first_due = h
        .and_then(|h| h.first_due.as_deref())
        .and_then(|d| d.get(..10)?.parse::<jiff::civil::Date>().ok())
        .unwrap_or_else(|| m.due.zoned.date());
    view.reached_late_days = reached.as_ref().map(|r| {
        first_due
            .until(r.zoned.date())
            .map_or(0, |s| i64::from(s.get_days()))
    });
    view.reached = reached.map(|r| r.view());
    view
}

/// The glossary's entries.
pub(super) fn term_views(ctx: &Ctx<'_>) -> Vec<TermView> {
    ctx.p
        .terms
        .iter()
        .map(|t| TermView {
            anchor: crate::content::sanitize_slug(&t.term),
            letter: crate::content::index_letter(&t.term),
            term: t.term.clone(),
            aliases: t.aliases.clone(),
            category: t.category.clone(),
            short: excerpt(&t.meta.body, 200),
            html: ctx.html(&t.meta).html,
            internal: t.meta.internal || t.meta.draft,
        })
        .collect()
}

/// The feedback log's entries, each linked to the issues it names.
pub(super) fn feedback_views(ctx: &Ctx<'_>, issues: &[IssueView]) -> Vec<FeedbackView> {
    let issue_link = issue_links(ctx.p, issues);
    ctx.p
        .feedback
        .iter()
        .map(|f| FeedbackView {
            anchor: f.meta.slug.clone(),
            date: ctx.date(&f.date),
            from: f.from.clone(),
            channel: f.channel.clone(),
            rating: f.rating,
            status: f.status,
            response: f.response.clone(),
            issues: f.issues.iter().filter_map(|id| issue_link(id)).collect(),
            html: ctx.html(&f.meta).html,
            internal: f.meta.internal || f.meta.draft,
        })
        .collect()
}

/// The free pages.
pub(super) fn page_views(ctx: &Ctx<'_>) -> Vec<PageView> {
    ctx.p
        .pages
        .iter()
        .map(|pg| PageView {
            url: Route::Page(pg.meta.slug.clone()).path(),
            slug: pg.meta.slug.clone(),
            title: pg.title.clone(),
            nav: pg.nav,
            html: ctx.html(&pg.meta).html,
            updated: ctx.opt_date(&pg.meta.updated),
            internal: pg.meta.internal || pg.meta.draft,
        })
        .collect()
}
