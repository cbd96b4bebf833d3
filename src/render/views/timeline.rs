//! Views of what happened over time: the timeline by month, the changelog by release,
//! the period reports.

use super::*;

/// One month of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct MonthView {
    pub key: String,
    pub label: String,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub date: DateView,
    pub kind: insight::timeline::EventKind,
    pub group: &'static str,
    pub title: String,
    pub url: String,
    pub change: Option<ChangeView>,
    /// A run of periods in which nothing happened, collapsed into this one line: the start
    /// of the oldest (the line reads "No updates {quiet_from} – {date}").
    pub quiet_from: Option<DateView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    /// The tag, or `None` for unreleased changes.
    pub tag: Option<String>,
    pub anchor: String,
    /// The permalink: a section of the changelog page, or a page of its own.
    pub url: String,
    /// Older than the releases the changelog page shows: it has a page of its own.
    pub archived: bool,
    pub date: Option<DateView>,
    pub commit: Option<String>,
    pub commit_url: Option<String>,
    /// The forge's view of what changed since the previous release.
    pub compare_url: Option<String>,
    /// The release note that introduces it, if any.
    pub note: Option<NoteLinkView>,
    pub groups: Vec<GroupView>,
    /// Commits not listed (maintenance); shown as a count when nothing else is.
    pub maintenance: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub kind: String,
    pub entries: Vec<ChangeEntryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntryView {
    pub scope: Option<String>,
    pub description: String,
    /// The description HTML-escaped, `#123` linked to the forge when `repository` is set.
    pub description_html: String,
    pub breaking: bool,
    /// The breaking-change footer: what readers must do.
    pub migration: Option<String>,
    /// The issues the commit names (client-visible ones only), linked to their pages.
    pub issues: Vec<LinkView>,
    /// For a revert: the short id of the commit it undoes.
    pub reverts: Option<String>,
    pub reverts_url: Option<String>,
    pub commit: String,
    pub commit_url: Option<String>,
}

/// A period report page.
#[derive(Debug, Clone, Serialize)]
pub struct ReportPageView {
    pub key: String,
    /// The period as a date range (`23–29 Nov 2026`) or a month.
    pub label: String,
    /// A week's ISO number, for small print.
    pub week: Option<String>,
    pub url: String,
    /// The period has not ended when the site shows it: the report so far.
    pub in_progress: bool,
    pub report: insight::report::Report,
}
