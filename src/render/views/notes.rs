//! Status notes: a note's page and its card, an incident's update log.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub url: String,
    pub slug: String,
    pub title: String,
    pub date: DateView,
    pub updated: Option<DateView>,
    pub kind: NoteKind,
    pub health: Option<Health>,
    pub progress: Option<u8>,
    pub summary: String,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub internal: bool,
    /// Incidents: when it began (`started`, else the note's date).
    pub started: Option<DateView>,
    pub resolved: Option<DateView>,
    pub open_incident: bool,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Releases: the version this note announces.
    pub version: Option<String>,
    /// Incidents: every commit to the note, oldest first.
    pub updates: Vec<UpdateView>,
    /// Incidents: from start to resolution (or to now), e.g. `4 h 35 min`.
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// One incident update: what one version of the incident note added to its text.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateView {
    pub date: DateView,
    /// The first version the client saw.
    pub first: bool,
    /// The paragraphs it added or changed, plain text.
    pub added: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteLinkView {
    pub title: String,
    pub url: String,
    pub summary: String,
}

pub(super) fn note_view(n: &Note, r: Rendered, input: &ViewInput<'_>) -> NoteView {
    let (updates, duration) = match input.history.incidents.get(&n.meta.path) {
        Some(updates) => incident_view(n, updates, &input.now, input.lang),
        None if n.kind == NoteKind::Incident => incident_view(n, &[], &input.now, input.lang),
        None => (Vec::new(), None),
    };
    NoteView {
        version: n.version.clone(),
        updates,
        duration,
        url: Route::Note(n.meta.slug.clone()).path(),
        slug: n.meta.slug.clone(),
        title: n.title.clone(),
        date: n.date.view(),
        updated: n
            .meta
            .updated
            .as_ref()
            .filter(|u| *u > &n.date)
            .map(|u| u.view()),
        kind: n.kind,
        // A resolved incident's health described the incident while it lasted; the page
        // reads "Resolved", never a red "Off track" under it.
        health: n
            .health
            .filter(|_| n.kind != NoteKind::Incident || n.resolved.is_none()),
        started: (n.kind == NoteKind::Incident).then(|| n.started.view()),
        progress: n.progress,
        summary: n
            .summary
            .clone()
            .unwrap_or_else(|| excerpt(&n.meta.body, 240)),
        tags: n.tags.clone(),
        authors: if n.authors.is_empty() {
            n.meta.authors.clone()
        } else {
            n.authors.clone()
        },
        html: r.html,
        toc: r
            .toc
            .into_iter()
            .map(|(level, id, text)| TocEntry { level, id, text })
            .collect(),
        internal: n.meta.internal || n.meta.draft,
        resolved: n.resolved.as_ref().map(|w| w.view()),
        open_incident: n.kind == NoteKind::Incident && n.resolved.is_none(),
        extra: n.meta.extra.clone(),
    }
}
