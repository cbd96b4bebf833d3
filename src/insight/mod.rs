//! Insight: the figures a client asks for first, derived from a [`Project`] snapshot.
//! Plain data, no HTML: the dashboard, the report and `status.json` all read from here.

pub mod changelog;
pub mod history;
pub mod report;
pub mod timeline;
pub mod trace;

use crate::content::{
    Feedback, FeedbackStatus, Health, IssueType, Milestone, MilestoneStatus, Note, NoteKind,
    Project, Severity,
};
use crate::dates::When;

/// The dashboard's figures.
#[derive(Debug, Clone)]
pub struct Dashboard<'a> {
    /// Health from the latest note that states one.
    pub health: Option<(Health, &'a Note)>,
    /// Progress from the latest note that states it.
    pub progress: Option<(u8, &'a Note)>,
    /// The earliest milestone not done.
    pub next_milestone: Option<&'a Milestone>,
    /// Open defects by severity, critical first (severity, count).
    pub open_defects: Vec<(Severity, usize)>,
    /// Open risks.
    pub open_risks: usize,
    /// All open issues.
    pub open_issues: usize,
    /// Incident notes without `resolved`.
    pub open_incidents: Vec<&'a Note>,
    /// Feedback counts by status.
    pub feedback: Vec<(FeedbackStatus, usize)>,
}

/// Computes the dashboard of a project.
pub fn dashboard(p: &Project) -> Dashboard<'_> {
    let latest_with = |f: &dyn Fn(&Note) -> bool| {
        p.notes
            .iter()
            .filter(|n| n.kind != NoteKind::Incident)
            .find(|n| f(n))
    };
    let health = latest_with(&|n| n.health.is_some()).and_then(|n| Some((n.health?, n)));
    let progress = latest_with(&|n| n.progress.is_some()).and_then(|n| Some((n.progress?, n)));
    let next_milestone = p
        .milestones
        .iter()
        .filter(|m| m.status != MilestoneStatus::Done)
        .min_by(|a, b| a.due.cmp(&b.due));
    let open = || p.issues.iter().filter(|i| i.status.is_open());
    let open_defects = Severity::BY_RANK
        .iter()
        .map(|s| {
            (
                *s,
                open()
                    .filter(|i| i.kind == IssueType::Defect && i.severity == *s)
                    .count(),
            )
        })
        .collect();
    Dashboard {
        health,
        progress,
        next_milestone,
        open_defects,
        open_risks: open().filter(|i| i.kind == IssueType::Risk).count(),
        open_issues: open().count(),
        open_incidents: open_incidents(p),
        feedback: feedback_counts(&p.feedback),
    }
}

/// Incidents still open, newest first.
pub fn open_incidents(p: &Project) -> Vec<&Note> {
    p.notes
        .iter()
        .filter(|n| n.kind == NoteKind::Incident && n.resolved.is_none())
        .collect()
}

fn feedback_counts(items: &[Feedback]) -> Vec<(FeedbackStatus, usize)> {
    use crate::content::fields::Choice;
    (0..FeedbackStatus::ALL.len())
        .map(FeedbackStatus::from_index)
        .map(|s| (s, items.iter().filter(|f| f.status == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Whether a milestone is late: not done and past due at `now`, or done after its due date.
pub fn milestone_late(m: &Milestone, now: &When) -> bool {
    match (&m.status, &m.completed) {
        (MilestoneStatus::Slipped, _) => true,
        (MilestoneStatus::Done, Some(done)) => done.zoned.date() > m.due.zoned.date(),
        (MilestoneStatus::Done, None) => false,
        _ => now > &m.due,
    }
}

/// Everything history says about the project, computed once per build.
#[derive(Debug, Default)]
pub struct HistoryData {
    /// Issue histories by source path.
    pub issues: std::collections::HashMap<String, history::ItemHistory>,
    /// Milestone histories by source path.
    pub milestones: std::collections::HashMap<String, history::ItemHistory>,
    /// Each incident note's update log, oldest first, by source path.
    pub incidents: std::collections::HashMap<String, Vec<history::Update>>,
    pub changelog: Vec<changelog::Release>,
    /// What the commits say about each issue, by issue id.
    pub traces: std::collections::HashMap<String, trace::Trace>,
    pub timeline: Vec<timeline::Event>,
}

/// What history is read from: the index and what the build made of it.
pub struct HistoryInput<'a> {
    pub index: Option<&'a crate::git::HistoryIndex>,
    /// Parsed front matter of every version, by blob id.
    pub versions: &'a history::Versions,
    /// The versions the audience may see.
    pub visible: &'a history::Visible,
    /// Text blocks of incident versions, by blob id.
    pub bodies: &'a std::collections::HashMap<String, Vec<String>>,
    pub tags: &'a [(String, String)],
    pub rules: &'a changelog::Rules,
}

/// Derives histories, the changelog and the timeline from the index (if there is one).
pub fn history_data(
    p: &Project,
    input: &HistoryInput<'_>,
    config: &crate::config::Config,
) -> HistoryData {
    let HistoryInput {
        index,
        versions,
        visible,
        bodies,
        tags,
        rules,
    } = *input;
    let tz = config.tz();
    let mut data = HistoryData::default();
    if let Some(index) = index {
        use rayon::prelude::*;
        let (issues, changelog) = rayon::join(
            || {
                p.issues
                    .par_iter()
                    .map(|i| {
                        let closing = &["resolved", "closed", "wont-fix"];
                        let h = history::item_history(
                            index,
                            versions,
                            visible,
                            &i.meta.path,
                            history::ISSUE_FIELDS,
                            closing,
                            &tz,
                        );
                        (i.meta.path.clone(), h)
                    })
                    .collect()
            },
            || changelog::changelog(index, tags, rules),
        );
        data.issues = issues;
        let milestones: std::collections::HashSet<&str> =
            p.milestones.iter().map(|m| m.id.as_str()).collect();
        for h in data.issues.values_mut() {
            history::forget_unknown(h, "milestone", &milestones);
        }
        data.changelog = changelog;
        let ids = trace::IssueIds::new(p.issues.iter().map(|i| i.id.as_str()));
        data.traces = trace::trace(index, &ids, &data.changelog, rules);
        for m in &p.milestones {
            let h = history::item_history(
                index,
                versions,
                visible,
                &m.meta.path,
                history::MILESTONE_FIELDS,
                &["done"],
                &tz,
            );
            data.milestones.insert(m.meta.path.clone(), h);
        }
        for n in p.notes.iter().filter(|n| n.kind == NoteKind::Incident) {
            data.incidents.insert(
                n.meta.path.clone(),
                history::updates(index, visible, bodies, &n.meta.path, &tz),
            );
        }
    }
    let h = timeline::Histories {
        issues: &data.issues,
        milestones: &data.milestones,
    };
    data.timeline = timeline::timeline(p, &h, &data.changelog, &tz);
    data
}
