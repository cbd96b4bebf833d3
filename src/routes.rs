//! The route table: every page and data file of a site, and its address. One type spells
//! addresses ([`Route::path`]) and one decides which pages exist ([`Routes::of`]); the page
//! plan, the views, the linker, the timeline, the feeds, the reports and `check` all ask
//! here, so a page can neither be linked without existing nor exist without being known.
//!
//! Addresses are relative to the site root. Pages link each other relatively (the way
//! back to the root is [`root_of`]), so a site works from a GitHub Pages sub-path and from
//! `file://`.

use std::collections::BTreeSet;

use crate::content::{Project, sanitize_slug};

/// Releases the changelog page shows in full before older ones move to their own pages.
pub const RELEASES_PER_PAGE: usize = 20;

/// One page or data file of the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    Home,
    Notes,
    Note(String),
    Issues,
    Issue(String),
    Milestones,
    Milestone(String),
    Page(String),
    Timeline,
    Glossary,
    /// A term's entry on the glossary page (its anchor).
    Term(String),
    Feedback,
    /// One feedback item on the feedback page (its anchor).
    FeedbackItem(String),
    Metrics,
    Changelog,
    /// A release: on the changelog page, or on its own page once archived.
    Release {
        slug: String,
        archived: bool,
    },
    /// The unreleased changes at the top of the changelog.
    Unreleased,
    Archive,
    Reports,
    /// One period report (`2026-W45`, `2026-11`).
    Report(String),
    Search,
    How,
    NotFound,
    Feed,
    IncidentFeed,
    Calendar,
    Status,
    Badge,
    SearchIndex,
    Sitemap,
}

impl Route {
    /// The address, relative to the site root (with `#anchor` for a place on a page).
    pub fn path(&self) -> String {
        use Route::*;
        match self {
            Home => "index.html".into(),
            Notes => "notes/index.html".into(),
            Note(s) => format!("notes/{s}.html"),
            Issues => "issues/index.html".into(),
            Issue(s) => format!("issues/{s}.html"),
            Milestones => "milestones/index.html".into(),
            Milestone(s) => format!("milestones/{s}.html"),
            Page(s) => format!("pages/{s}.html"),
            Timeline => "timeline/index.html".into(),
            Glossary => "glossary/index.html".into(),
            Term(a) => format!("glossary/index.html#{a}"),
            Feedback => "feedback/index.html".into(),
            FeedbackItem(a) => format!("feedback/index.html#{a}"),
            Metrics => "metrics/index.html".into(),
            Changelog => "changelog/index.html".into(),
            Release {
                slug,
                archived: false,
            } => format!("changelog/index.html#{slug}"),
            Release {
                slug,
                archived: true,
            } => format!("changelog/{slug}.html"),
            Unreleased => "changelog/index.html#unreleased".into(),
            Archive => "changelog/archive.html".into(),
            Reports => "reports/index.html".into(),
            Report(key) => format!("reports/{key}.html"),
            Search => "search/index.html".into(),
            How => "how-we-work/index.html".into(),
            NotFound => "404.html".into(),
            Feed => "feed.xml".into(),
            IncidentFeed => "incidents.xml".into(),
            Calendar => "calendar.ics".into(),
            Status => "status.json".into(),
            Badge => "badge.svg".into(),
            SearchIndex => "assets/search-index.js".into(),
            Sitemap => "sitemap.xml".into(),
        }
    }

    /// The file the route is in (its address without `#anchor`).
    pub fn file(&self) -> String {
        let p = self.path();
        match p.split_once('#') {
            Some((file, _)) => file.to_string(),
            None => p,
        }
    }

    /// A term's route, from the term as written.
    pub fn term(term: &str) -> Route {
        Route::Term(sanitize_slug(term))
    }
}

/// The way from the page at `path` back to the site root: `""` at the top, `"../"` one
/// folder down.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Every file of one site, in a fixed order.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
    /// Release tag → its route.
    releases: std::collections::HashMap<String, Route>,
}

/// What decides which pages a site has, besides its items.
pub struct Shape<'a> {
    /// Whether there is a changelog (releases, or unreleased changes).
    pub changelog: bool,
    /// The tags of the changelog's releases, newest first.
    pub releases: &'a [&'a str],
    /// Past this many releases, older ones get their own pages.
    pub releases_per_page: usize,
    /// The keys of the period reports (newest first).
    pub reports: &'a [String],
    /// A sitemap needs absolute URLs: only with a `base_url`.
    pub sitemap: bool,
}

impl Routes {
    /// The routes of the site of `p`.
    pub fn of(p: &Project, shape: &Shape<'_>) -> Routes {
        use Route::*;
        let mut routes = vec![Home, Notes, Issues, Milestones, NotFound, Timeline];
        let ordered = release_routes(shape.releases, shape.releases_per_page);
        if shape.changelog {
            routes.push(Changelog);
            let archived: Vec<Route> = ordered
                .iter()
                .map(|(_, r)| r.clone())
                .filter(|r| matches!(r, Release { archived: true, .. }))
                .collect();
            if !archived.is_empty() {
                routes.push(Archive);
            }
            routes.extend(archived);
        }
        let releases = ordered.into_iter().collect();
        routes.extend([Search, How]);
        if !shape.reports.is_empty() {
            routes.push(Reports);
            routes.extend(shape.reports.iter().map(|k| Report(k.clone())));
        }
        routes.extend([Feed, IncidentFeed]);
        if !p.terms.is_empty() {
            routes.push(Glossary);
        }
        if !p.feedback.is_empty() {
            routes.push(Feedback);
        }
        if !p.metrics.is_empty() {
            routes.push(Metrics);
        }
        routes.extend(p.notes.iter().map(|n| Note(n.meta.slug.clone())));
        routes.extend(p.issues.iter().map(|i| Issue(i.meta.slug.clone())));
        routes.extend(p.milestones.iter().map(|m| Milestone(m.meta.slug.clone())));
        routes.extend(p.pages.iter().map(|x| Page(x.meta.slug.clone())));
        routes.extend([SearchIndex, Calendar, Status, Badge]);
        if shape.sitemap {
            routes.push(Sitemap);
        }
        Routes { routes, releases }
    }

    /// Every route, in the order pages are planned.
    pub fn iter(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter()
    }

    /// Every file the routes write.
    pub fn files(&self) -> BTreeSet<String> {
        self.routes.iter().map(Route::file).collect()
    }

    /// Whether a page or data file of the site is at `file` (no anchor).
    pub fn has_file(&self, file: &str) -> bool {
        self.routes.iter().any(|r| r.file() == file)
    }

    /// The route of the release tagged `tag` (the changelog if it is not a release).
    pub fn release(&self, tag: &str) -> Route {
        self.releases.get(tag).cloned().unwrap_or(Route::Changelog)
    }

    /// Release tag → its address.
    pub fn release_paths(&self) -> std::collections::HashMap<String, String> {
        self.releases
            .iter()
            .map(|(tag, r)| (tag.clone(), r.path()))
            .collect()
    }
}

/// Release tag → its address, for a changelog printed on its own (every release on one
/// page when `per_page` is `usize::MAX`).
pub fn release_paths(
    releases: &[&str],
    per_page: usize,
) -> std::collections::HashMap<String, String> {
    release_routes(releases, per_page)
        .into_iter()
        .map(|(tag, r)| (tag, r.path()))
        .collect()
}

/// Each release's route, newest first: the newest `per_page` on the changelog page, older
/// ones archived.
fn release_routes(releases: &[&str], per_page: usize) -> Vec<(String, Route)> {
    releases
        .iter()
        .enumerate()
        .map(|(k, &tag)| {
            let route = Route::Release {
                slug: sanitize_slug(tag),
                archived: k >= per_page,
            };
            (tag.to_string(), route)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_roots() {
        assert_eq!(Route::Note("a".into()).path(), "notes/a.html");
        assert_eq!(
            Route::term("User acceptance").path(),
            "glossary/index.html#user-acceptance"
        );
        assert_eq!(Route::Term("x".into()).file(), "glossary/index.html");
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("notes/a.html"), "../");
        assert_eq!(root_of("how-we-work/index.html"), "../");
    }
}
