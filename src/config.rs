//! `vitrine.toml`: the site configuration, typed and documented.
//!
//! Every key has a default except `title`. Unknown keys are an error (with the list of known
//! keys as a hint), because a misspelt `timezone` silently ignored would give every date of
//! the site the wrong offset.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, line_col_of};

/// The site configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's title, shown in every page's header.
    pub title: String,
    /// The client's name, shown on the dashboard ("Prepared for …").
    #[serde(default)]
    pub client: Option<String>,
    /// Where the site is published, e.g. `https://acme.github.io/portal/`. Used for absolute
    /// links in feeds and the sitemap; pages themselves link relatively.
    #[serde(default)]
    pub base_url: Option<String>,
    /// UI language: `en` or `zh-CN`.
    #[serde(default = "default_language")]
    pub language: String,
    /// IANA time zone the site's dates are shown in, e.g. `Asia/Shanghai`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// The repository on its forge (GitHub, GitLab, Gitea/Codeberg or Bitbucket), e.g.
    /// `https://github.com/acme/portal`: commit ids, `#123` references and release headings
    /// link to it. Without it, ids stay plain text.
    #[serde(default)]
    pub repository: Option<String>,
    /// A short description for the dashboard and feeds.
    #[serde(default)]
    pub description: Option<String>,
    /// The brand colour of links, buttons and the current menu entry, e.g. `#0b5cad`.
    #[serde(default)]
    pub brand_color: Option<String>,
    /// The client's logo, a file under `static/` (e.g. `static/logo.svg`), shown in the header.
    #[serde(default)]
    pub logo: Option<String>,
    /// Let raw HTML in Markdown through unsanitised. Off by default.
    #[serde(default)]
    pub allow_html: bool,
    /// The communication plan.
    #[serde(default)]
    pub communication: Communication,
    /// Where clients send questions and feedback.
    #[serde(default)]
    pub feedback: FeedbackConfig,
    /// How the changelog is built from commits.
    #[serde(default)]
    pub changelog: ChangelogConfig,
    /// Period reports on the site.
    #[serde(default)]
    pub reports: ReportsConfig,
    /// The jargon check of `vitrine check`.
    #[serde(default)]
    pub glossary: GlossaryConfig,
    /// Metadata of each metric series in `metrics/*.csv`, by column name.
    #[serde(default)]
    pub metrics: BTreeMap<String, MetricConfig>,
    /// Extra navigation links.
    #[serde(default)]
    pub nav: Vec<NavLink>,
    /// Custom domain for GitHub Pages (written as `CNAME`).
    #[serde(default)]
    pub cname: Option<String>,
    /// `[access]`: who may read the site. Absent: anyone who has the address.
    #[serde(default)]
    pub access: Option<AccessConfig>,
}

/// `[access]`: the site behind a passphrase (see `access.rs` and the README's threat model).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessConfig {
    /// `passphrase`: every page and the search index are encrypted at build time; the
    /// passphrase is read from `VITRINE_PASSPHRASE`, never from the repository.
    pub mode: AccessMode,
    /// Let `…/index.html#key=PASSPHRASE` unlock the site (the link is then the secret).
    #[serde(default)]
    pub share_links: bool,
    /// Outputs that cannot be encrypted but are published anyway, as they are: any of
    /// [`UNSEALABLE_OUTPUTS`]. Every other one is left out.
    #[serde(default)]
    pub public: Vec<String>,
}

/// `[access] mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessMode {
    Passphrase,
}

/// The outputs a browser reads without the site's script (feed readers, calendars,
/// dashboards, crawlers), so they cannot be encrypted: left out of a passphrase-protected
/// site unless `[access] public` names them.
pub const UNSEALABLE_OUTPUTS: &[&str] = &[
    "feed.xml",
    "incidents.xml",
    "calendar.ics",
    "status.json",
    "badge.svg",
    "sitemap.xml",
];

/// `[communication]`: how and how often the team reports.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// `weekly` (default) or `monthly`.
    #[serde(default)]
    pub cadence: Option<String>,
    /// The weekday a weekly status note is due (`monday` … `sunday`): the day "How we
    /// work" names and the day the next update's due date falls on. Without it a note is
    /// due a whole cadence after the previous one.
    #[serde(default)]
    pub day: Option<String>,
    /// Channels the client can use, e.g. `["weekly call, Tuesday 10:00", "e-mail"]`.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Who is responsible for what, e.g. `{ "status notes" = "Li Wei" }`.
    #[serde(default)]
    pub owners: BTreeMap<String, String>,
    /// Whom to contact when something goes wrong, in order.
    #[serde(default)]
    pub escalation: Vec<String>,
}

impl Communication {
    /// The weekday of `day` (English, any case, `mon` or `monday`), if it names one.
    pub fn weekday(&self) -> Option<jiff::civil::Weekday> {
        use jiff::civil::Weekday::*;
        let d = self.day.as_deref()?.trim().to_ascii_lowercase();
        let days = [
            ("mon", Monday),
            ("tue", Tuesday),
            ("wed", Wednesday),
            ("thu", Thursday),
            ("fri", Friday),
            ("sat", Saturday),
            ("sun", Sunday),
        ];
        let names = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        days.iter()
            .zip(names)
            .find(|((short, _), long)| d == *short || d == *long)
            .map(|((_, w), _)| *w)
    }

    /// Whether notes come once a month (otherwise once a week).
    pub fn monthly(&self) -> bool {
        self.cadence.as_deref() == Some("monthly")
    }
}

/// `[reports]`: one report page per period of the communication cadence.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsConfig {
    /// Publish period reports on the site (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for ReportsConfig {
    fn default() -> Self {
        ReportsConfig { enabled: true }
    }
}

fn yes() -> bool {
    true
}

/// `[glossary]`: how unexplained acronyms in client-visible text are reported.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryConfig {
    /// `warn` (default), `error` or `off`.
    #[serde(default = "default_jargon")]
    pub jargon: String,
    /// Acronyms that need no explanation for this client (added to OK, ID, PDF, FAQ, AM,
    /// PM, UTC).
    #[serde(default)]
    pub allow: Vec<String>,
}

impl Default for GlossaryConfig {
    fn default() -> Self {
        GlossaryConfig {
            jargon: default_jargon(),
            allow: Vec::new(),
        }
    }
}

fn default_jargon() -> String {
    "warn".into()
}

/// `[feedback]`: where the "question or feedback" link goes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackConfig {
    pub url: Option<String>,
    pub email: Option<String>,
}

/// `[changelog]`: which tags are releases, which commits are shown, in which order.
/// The default `tag_pattern`: `v1.2.3`, `1.2.3`, `1.2` and pre-releases of them.
pub const DEFAULT_TAG_PATTERN: &str =
    r"^[vV]?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$";

impl ChangelogConfig {
    /// What makes `[changelog]` valid: a `tag_pattern` that compiles and captures the
    /// version, `skip_messages` that compile, `skip` entries that are commit ids.
    pub fn validate(&self) -> Result<(), String> {
        let pattern = self.tag_pattern.as_deref().unwrap_or(DEFAULT_TAG_PATTERN);
        let re = regex::Regex::new(pattern)
            .map_err(|e| format!("`tag_pattern` does not compile: {e}"))?;
        if re.captures_len() < 2 {
            return Err(format!(
                "`tag_pattern = \"{pattern}\"` has no capture group for the version"
            ));
        }
        for p in &self.skip_messages {
            regex::Regex::new(p).map_err(|e| format!("`skip_messages` entry `{p}`: {e}"))?;
        }
        for id in &self.skip {
            let id = id.trim();
            if id.len() < 7 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!(
                    "`skip` entry `{id}` is not a commit id (at least 7 hex digits)"
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangelogConfig {
    /// Conventional-commit types in the order their groups are shown.
    #[serde(default)]
    pub order: Vec<String>,
    /// Types never shown to the client.
    #[serde(default)]
    pub hide: Vec<String>,
    /// A regular expression a release tag matches; its capture group (or the group named
    /// `version`) is the version, e.g. `^mytool-v(.+)$`. Default: `v1.2.3` and `1.2.3`.
    #[serde(default)]
    pub tag_pattern: Option<String>,
    /// What pre-release tags (`2.0.0-rc.1`) are: `fold` (default: part of the final release
    /// that follows them; shown only while no later final release exists), `show` (releases
    /// of their own) or `hide` (never releases).
    #[serde(default)]
    pub prereleases: Prereleases,
    /// A release with nothing to show: `note` (default: one line with the count of
    /// maintenance commits) or `fold` (its commits count towards the next release).
    #[serde(default)]
    pub empty_releases: EmptyReleases,
    /// Commits never listed, by id or id prefix (at least 7 hex digits).
    #[serde(default)]
    pub skip: Vec<String>,
    /// Regular expressions over a commit's subject line; a match is never listed, e.g.
    /// `^chore\\(release\\)`.
    #[serde(default)]
    pub skip_messages: Vec<String>,
    /// How many releases the changelog page shows; older ones get a page each, listed in
    /// the archive (default 20).
    #[serde(default)]
    pub releases_per_page: Option<usize>,
}

/// `[changelog] prereleases`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prereleases {
    #[default]
    Fold,
    Show,
    Hide,
}

/// `[changelog] empty_releases`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EmptyReleases {
    #[default]
    Note,
    Fold,
}

/// `[metrics.NAME]`: how a metric series is labelled and judged.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricConfig {
    pub label: Option<String>,
    pub unit: Option<String>,
    pub target: Option<f64>,
    /// `higher` (default) or `lower`: which direction is better.
    #[serde(default = "default_better")]
    pub better: Better,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

/// `[[nav]]`: an extra link in the site's navigation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}

fn default_language() -> String {
    "en".into()
}
fn default_timezone() -> String {
    "UTC".into()
}
fn default_better() -> Better {
    Better::Higher
}

/// The languages the UI ships in.
pub const LANGUAGES: &[&str] = &["en", "zh-CN"];

impl Config {
    /// Parses `vitrine.toml` text; `path` only names the file in diagnostics.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Vec<Diagnostic>> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error(e.message().trim().to_string()).at(path);
            if let Some(span) = e.span() {
                let (l, c) = line_col_of(text, span.start);
                d = d.line_col(l, c);
            }
            if e.message().contains("unknown field") {
                d = d.hint("check the spelling; the keys vitrine knows are listed in the message");
            }
            vec![d]
        })?;
        let problems = config.validate(text, path);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Every problem of the file at once, each at its key's line. Long on purpose: a flat
    /// list of independent checks, one per key, in the order of the reference.
    fn validate(&self, text: &str, path: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let at_key = |key: &str| key_line(text, key).unwrap_or(1);
        if self.title.trim().is_empty() {
            out.push(
                Diagnostic::error("`title` is empty")
                    .at(path)
                    .line_col(at_key("title"), 1),
            );
        }
        let tag_like = !self.language.is_empty()
            && self
                .language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !tag_like {
            out.push(
                Diagnostic::error(format!("`{}` is not a language tag", self.language))
                    .at(path)
                    .line_col(at_key("language"), 1)
                    .hint(format!(
                        "use one of {} (or add theme/i18n/<tag>.toml)",
                        LANGUAGES.join(", ")
                    )),
            );
        }
        if let Some(c) = &self.brand_color
            && !(c.len() == 7
                && c.starts_with('#')
                && c[1..].chars().all(|x| x.is_ascii_hexdigit()))
        {
            out.push(
                Diagnostic::error(format!("`brand_color = \"{c}\"` is not a colour"))
                    .at(path)
                    .line_col(at_key("brand_color"), 1)
                    .hint("write it as #rrggbb, e.g. \"#0b5cad\""),
            );
        }
        if let Some(l) = &self.logo
            && (!l.starts_with("static/") || l.contains(".."))
        {
            out.push(
                Diagnostic::error(format!("`logo = \"{l}\"` must be a file under static/"))
                    .at(path)
                    .line_col(at_key("logo"), 1)
                    .hint("put the file in static/ and write e.g. logo = \"static/logo.svg\""),
            );
        }
        let urls = self
            .base_url
            .iter()
            .map(|u| ("base_url", u))
            .chain(self.feedback.url.iter().map(|u| ("[feedback] url", u)))
            .chain(self.nav.iter().map(|n| ("[[nav]] url", &n.url)));
        for (key, url) in urls {
            if !crate::urls::safe_url(url) {
                let line = value_line(text, url).unwrap_or_else(|| at_key(key_name(key)));
                out.push(unsafe_url(key, url).at(path).line_col(line, 1));
            }
        }
        if jiff::tz::TimeZone::get(&self.timezone).is_err() {
            out.push(
                Diagnostic::error(format!("unknown time zone `{}`", self.timezone))
                    .at(path)
                    .line_col(at_key("timezone"), 1)
                    .hint("use an IANA name such as `UTC`, `Europe/Berlin` or `Asia/Shanghai`"),
            );
        }
        if !matches!(self.glossary.jargon.as_str(), "warn" | "error" | "off") {
            out.push(
                Diagnostic::error(format!("unknown jargon level `{}`", self.glossary.jargon))
                    .at(path)
                    .line_col(at_key("jargon"), 1)
                    .hint("use `warn`, `error` or `off`"),
            );
        }
        if let Some(d) = &self.communication.day
            && self.communication.weekday().is_none()
        {
            out.push(
                Diagnostic::error(format!("`day = \"{d}\"` is not a weekday"))
                    .at(path)
                    .line_col(at_key("day"), 1)
                    .hint("write the weekday in English, e.g. day = \"monday\""),
            );
        }
        if let Some(Err(e)) = self.repository.as_deref().map(crate::forge::Forge::parse) {
            out.push(
                Diagnostic::error(format!("`repository`: {e}"))
                    .at(path)
                    .line_col(at_key("repository"), 1)
                    .hint("e.g. repository = \"https://github.com/acme/portal\""),
            );
        }
        if let Err(e) = self.changelog.validate() {
            let key = if e.contains("tag_pattern") {
                "tag_pattern"
            } else if e.contains("skip_messages") {
                "skip_messages"
            } else {
                "skip"
            };
            out.push(
                Diagnostic::error(e)
                    .at(path)
                    .line_col(at_key(key), 1)
                    .hint("regular expressions use the syntax of the `regex` crate; ids are hex"),
            );
        }
        for p in self.access.iter().flat_map(|a| &a.public) {
            if !UNSEALABLE_OUTPUTS.contains(&p.as_str()) {
                out.push(
                    Diagnostic::error(format!(
                        "`[access] public` names `{p}`, which is not an output that can be public"
                    ))
                    .at(path)
                    .line_col(at_key("public"), 1)
                    .hint(format!(
                        "pages are always encrypted; name any of {}",
                        UNSEALABLE_OUTPUTS.join(", ")
                    )),
                );
            }
        }
        if let Some(c) = &self.communication.cadence
            && !matches!(c.as_str(), "weekly" | "monthly")
        {
            out.push(
                Diagnostic::error(format!("unknown cadence `{c}`"))
                    .at(path)
                    .line_col(at_key("cadence"), 1)
                    .hint("use `weekly` or `monthly`"),
            );
        }
        out
    }

    /// The time zone dates are shown in (validated at parse time).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// The forge the repository is on, if `repository` is set (validated at parse time).
    pub fn forge(&self) -> Option<crate::forge::Forge> {
        crate::forge::Forge::parse(self.repository.as_deref()?).ok()
    }

    /// `base_url` with exactly one trailing slash, if set.
    pub fn base_url(&self) -> Option<String> {
        self.base_url
            .as_ref()
            .map(|u| format!("{}/", u.trim_end_matches('/')))
    }
}

/// The error for a URL that is neither relative nor of an allowed scheme; `key` names where
/// it was given (`base_url`, `--base-url`…).
pub fn unsafe_url(key: &str, url: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "`{key}` = `{url}` is not a web address vitrine can link to"
    ))
    .hint(format!(
        "use a relative path or an address starting with {}",
        crate::urls::SCHEMES
            .iter()
            .map(|s| format!("`{s}:`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The bare key of a described key: `url` of `[feedback] url`.
fn key_name(key: &str) -> &str {
    key.rsplit(' ').next().unwrap_or(key)
}

/// The 1-based line on which `value` first appears as a quoted string, if any.
fn value_line(text: &str, value: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.contains(&format!("\"{value}\"")) || line.contains(&format!("'{value}'"))
        })
        .map(|i| i + 1)
}

/// The 1-based line on which `key` is first assigned (`key =` or `key:`), if any.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let l = line.trim_start();
            l.strip_prefix(key)
                .map(|rest| rest.trim_start())
                .is_some_and(|rest| rest.starts_with('=') || rest.starts_with(':'))
        })
        .map(|i| i + 1)
}
