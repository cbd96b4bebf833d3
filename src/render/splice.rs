//! Per-build values spliced into rendered pages. The footer and banners of every page say
//! which commit the site shows, when it was made, when the latest note was written and when
//! the next is due. The first two change with every commit, so a page that showed them as
//! rendered would have to be rendered again after any commit. Instead, pages are rendered
//! with a placeholder token in place of each of these values, and the tokens are replaced
//! by the values' text (escaped as the template would have escaped them) when the page is
//! written. A cached page is then rewritten after a commit, never rendered again.
//!
//! A token is `U+FDD0`, a nonce drawn for the build, the value's name and `U+FDD1`: text of
//! the repository cannot say it, and the escaping of HTML leaves it as it is. The `time`
//! and `day` filters pass a token through as `NAME|time` (see `theme.rs`), so the text put
//! in its place is what the filter would have made of the real date.
//!
//! Only what a template prints can be a token: a yes/no derived from a date (the next
//! update being overdue) is part of the page's input. A site whose own templates mention
//! these values gets the real values, and its pages depend on them (see [`Splice::off`]).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use super::views::SiteView;
use crate::dates::DateView;

const OPEN: char = '\u{FDD0}';
const CLOSE: char = '\u{FDD1}';

/// Whether `s` is a token (for the filters that pass tokens through).
pub(crate) fn is_token(s: &str) -> bool {
    s.starts_with(OPEN) && s.ends_with(CLOSE)
}

/// The token `s` with `|filter` added to its name.
pub(crate) fn filtered(token: &str, filter: &str) -> String {
    format!("{}|{filter}{CLOSE}", token.trim_end_matches(CLOSE))
}

/// Where per-build values went in a page: byte offset and value name, in order.
pub type Holes = Vec<(u32, String)>;

/// The per-build values of one build and how they are put into pages.
pub struct Splice {
    /// The build's nonce; 0 for the fingerprint, which must not change between builds.
    nonce: u64,
    /// The text each token stands for, by name.
    pub texts: BTreeMap<String, String>,
    /// Pages get the real values (a site's own templates use them): nothing is spliced.
    pub off: bool,
}

#[derive(Serialize)]
struct RevisionTokens {
    id: String,
    short: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct DateTokens {
    iso: String,
    ts: String,
    stamp: String,
}

impl Splice {
    /// The values of `site`, with the text of each as a page shows it (`time` in the
    /// language `lang`). `off` when the site's templates must see the real values.
    pub fn of(site: &SiteView, lang: &crate::format::Lang, off: bool) -> Splice {
        let mut texts = BTreeMap::new();
        let esc = |s: &str| {
            let mut out = Vec::new();
            let _ = tera::escape_html(s, &mut out);
            String::from_utf8(out).unwrap_or_default()
        };
        if let Some(r) = &site.revision {
            texts.insert("revision.id".into(), esc(&r.id));
            texts.insert("revision.short".into(), esc(&r.short));
            if let Some(url) = &r.url {
                texts.insert("revision.url".into(), esc(url));
            }
        }
        let dates = [
            ("built", Some(&site.built)),
            ("last_update", site.last_update.as_ref()),
            ("next_update", site.next_update.as_ref()),
        ];
        for (name, d) in dates {
            let Some(d) = d else { continue };
            texts.insert(format!("{name}.iso"), esc(&d.iso));
            texts.insert(format!("{name}.ts"), d.ts.to_string());
            texts.insert(format!("{name}.stamp"), esc(&d.stamp));
            if let Some(html) = lang.time_html(&d.iso, &d.stamp) {
                texts.insert(format!("{name}.iso|time"), html);
            }
            if let Some(day) = lang.day(&d.stamp) {
                texts.insert(format!("{name}.iso|day"), esc(&day));
            }
        }
        let nonce = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            h.write_u32(std::process::id());
            h.finish() | 1
        };
        Splice { nonce, texts, off }
    }

    fn token(&self, nonce: u64, name: &str) -> String {
        format!("{OPEN}{nonce:016x}{name}{CLOSE}")
    }

    /// The site value pages are rendered with: tokens for the per-build values (the real
    /// values when off).
    pub fn site_value(&self, site: &SiteView) -> Value {
        self.site_with(site, self.nonce)
    }

    /// The site value as the pages' fingerprints see it: the same tokens in every build.
    pub fn site_fingerprint_value(&self, site: &SiteView) -> Value {
        self.site_with(site, 0)
    }

    fn site_with(&self, site: &SiteView, nonce: u64) -> Value {
        let value = Value::from_serializable(site);
        if self.off {
            return value;
        }
        let Some(mut map) = value.into_map() else {
            return Value::from_serializable(site);
        };
        let t = |name: &str| self.token(nonce, name);
        if let Some(r) = &site.revision {
            let tokens = RevisionTokens {
                id: t("revision.id"),
                short: t("revision.short"),
                url: r.url.as_ref().map(|_| t("revision.url")),
            };
            map.insert("revision".into(), Value::from_serializable(&tokens));
        }
        let date = |name: &str| DateTokens {
            iso: t(&format!("{name}.iso")),
            ts: t(&format!("{name}.ts")),
            stamp: t(&format!("{name}.stamp")),
        };
        map.insert("built".into(), Value::from_serializable(&date("built")));
        let optional = |d: Option<&DateView>, name: &str| match d {
            Some(_) => Value::from_serializable(&date(name)),
            None => Value::none(),
        };
        let last = optional(site.last_update.as_ref(), "last_update");
        let next = optional(site.next_update.as_ref(), "next_update");
        map.insert("last_update".into(), last);
        map.insert("next_update".into(), next);
        Value::from(map)
    }

    /// Replaces the tokens of `page` by their text: the page's bytes and where each value
    /// went (byte offset, name). `None` if the page holds a token this build cannot fill
    /// (a filter made something else of it): such a page is rendered with the real values.
    pub fn fill(&self, page: &[u8]) -> Option<(Vec<u8>, Holes)> {
        let open = self.token(self.nonce, "");
        let open = open.trim_end_matches(CLOSE).as_bytes();
        // First the tokens (start, end, text), then the page at its exact size: pages
        // are held in memory until written, so none is given room it does not use.
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(i) = find(&page[at..], &open[..OPEN.len_utf8()]) {
            let start = at + i;
            // Any U+FDD0 must start a token of this build.
            let after = page[start..].strip_prefix(open)?;
            let end = find(after, CLOSE.to_string().as_bytes())?;
            let name = std::str::from_utf8(&after[..end]).ok()?;
            let (name, text) = self.texts.get_key_value(name)?;
            at = start + open.len() + end + CLOSE.len_utf8();
            found.push((start, at, name, text));
        }
        let size = found
            .iter()
            .fold(page.len(), |n, (s, e, _, t)| n - (e - s) + t.len());
        let mut out = Vec::with_capacity(size);
        let mut holes = Vec::with_capacity(found.len());
        let mut copied = 0;
        for (start, end, name, text) in found {
            out.extend_from_slice(&page[copied..start]);
            holes.push((u32::try_from(out.len()).ok()?, name.clone()));
            out.extend_from_slice(text.as_bytes());
            copied = end;
        }
        out.extend_from_slice(&page[copied..]);
        Some((out, holes))
    }

    /// A page written by an earlier build (`old`, whose values were `before` and went where
    /// `holes` say) with this build's values instead; the new holes. `None` when the page
    /// is not what the record says (then it is rendered again).
    pub fn refill(
        &self,
        old: &[u8],
        holes: &[(u32, String)],
        before: &BTreeMap<String, String>,
    ) -> Option<(Vec<u8>, Holes)> {
        let grown = holes.iter().try_fold(old.len(), |n, (_, name)| {
            Some(n.checked_sub(before.get(name)?.len())? + self.texts.get(name)?.len())
        })?;
        let mut out = Vec::with_capacity(grown);
        let mut new_holes = Vec::with_capacity(holes.len());
        let mut at = 0usize;
        for (offset, name) in holes {
            let offset = *offset as usize;
            let was = before.get(name)?.as_bytes();
            let now = self.texts.get(name)?;
            if offset < at || old.get(offset..offset + was.len())? != was {
                return None;
            }
            out.extend_from_slice(&old[at..offset]);
            new_holes.push((u32::try_from(out.len()).ok()?, name.clone()));
            out.extend_from_slice(now.as_bytes());
            at = offset + was.len();
        }
        out.extend_from_slice(old.get(at..)?);
        Some((out, new_holes))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splice(texts: &[(&str, &str)]) -> Splice {
        Splice {
            nonce: 0xabc,
            texts: texts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            off: false,
        }
    }

    #[test]
    fn tokens_are_filled_and_refilled_at_their_places() {
        let s = splice(&[
            ("revision.short", "abc1234"),
            ("built.iso|time", "<time>1</time>"),
        ]);
        let page = format!(
            "<p>{} of {}</p>",
            s.token(s.nonce, "revision.short"),
            filtered(&s.token(s.nonce, "built.iso"), "time")
        );
        let (bytes, holes) = s.fill(page.as_bytes()).unwrap();
        assert_eq!(bytes, b"<p>abc1234 of <time>1</time></p>");
        assert_eq!(
            holes,
            vec![(3, "revision.short".into()), (14, "built.iso|time".into())]
        );
        let next = splice(&[
            ("revision.short", "def"),
            ("built.iso|time", "<time>22</time>"),
        ]);
        let (again, _) = next.refill(&bytes, &holes, &s.texts).unwrap();
        assert_eq!(again, b"<p>def of <time>22</time></p>");
        // A page that is not what the record says is not patched.
        assert!(next.refill(b"<p>xyz1234 of", &holes, &s.texts).is_none());
    }

    #[test]
    fn a_token_of_another_build_or_an_unknown_name_is_refused() {
        let s = splice(&[("revision.short", "abc")]);
        let other = s.token(1, "revision.short");
        assert!(s.fill(other.as_bytes()).is_none());
        let unknown = s.token(s.nonce, "revision.short|upper");
        assert!(s.fill(unknown.as_bytes()).is_none());
        assert!(s.fill("\u{FDD0} alone".as_bytes()).is_none());
    }
}
