//! Machine-readable outputs beside the pages: the search index (as a script, so search
//! works from `file://` where `fetch` is refused), the iCalendar of milestones and
//! incidents, `status.json` and the SVG status badge. All are built from the same views
//! as the pages, so internal content can no more reach them than the pages.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::OutFile;
use super::views::SiteData;

/// One searchable document.
#[derive(Serialize)]
struct Doc<'a> {
    /// Title.
    t: &'a str,
    /// URL relative to the site root.
    u: &'a str,
    /// Kind (UI string key).
    k: &'a str,
    /// Plain text to search in (and to quote).
    x: String,
}

/// `assets/search-index.js`: `window.VITRINE_SEARCH = [...]`.
pub fn search_index(data: &SiteData) -> OutFile {
    let mut docs = Vec::new();
    for n in &data.notes {
        docs.push(Doc {
            t: &n.title,
            u: &n.url,
            k: "nav.notes",
            x: plain(&n.html),
        });
    }
    for i in &data.issues {
        docs.push(Doc {
            t: &i.title,
            u: &i.url,
            k: "nav.issues",
            x: format!("{} {}", i.id, plain(&i.html)),
        });
    }
    for m in &data.milestones {
        let criteria: Vec<&str> = m.criteria.iter().map(|c| c.text.as_str()).collect();
        docs.push(Doc {
            t: &m.title,
            u: &m.url,
            k: "nav.milestones",
            x: format!("{} {}", criteria.join(" "), plain(&m.html)),
        });
    }
    let glossary_urls: Vec<String> = data
        .terms
        .iter()
        .map(|t| crate::routes::Route::Term(t.anchor.clone()).path())
        .collect();
    for (t, url) in data.terms.iter().zip(&glossary_urls) {
        docs.push(Doc {
            t: &t.term,
            u: url,
            k: "nav.glossary",
            x: format!("{} {}", t.aliases.join(" "), plain(&t.html)),
        });
    }
    for p in &data.pages {
        docs.push(Doc {
            t: &p.title,
            u: &p.url,
            k: "nav.pages",
            x: plain(&p.html),
        });
    }
    let json = serde_json::to_string(&docs).unwrap_or_else(|_| "[]".into());
    // `</script>` cannot occur: `<` is escaped in JSON strings below.
    let js = format!(
        "window.VITRINE_SEARCH = {};\n",
        json.replace('<', "\\u003c")
    );
    OutFile {
        path: "assets/search-index.js".into(),
        bytes: js.into_bytes(),
    }
}

/// Text of an HTML fragment: tags dropped, entities decoded, white space folded, tooltips
/// (definitions inside term links) left out.
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with("<span class=\"tip\"") {
            rest = rest.find("</span>").map_or("", |e| &rest[e + 7..]);
            continue;
        }
        if rest.starts_with("<aside class=\"term-notes\"") {
            rest = rest.find("</aside>").map_or("", |e| &rest[e + 8..]);
            continue;
        }
        rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
        out.push(' ');
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `calendar.ics`: milestone due dates (all-day) and incidents.
pub fn calendar(data: &SiteData) -> OutFile {
    let mut ics = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//vitrine//status site//EN\r\nCALSCALE:GREGORIAN\r\n",
    );
    let _ = write!(
        ics,
        "{}",
        fold(&format!("X-WR-CALNAME:{}", escape_ics(&data.site.title)))
    );
    let stamp = utc_stamp(&data.site.built.stamp);
    let host = data
        .site
        .base_url
        .clone()
        .unwrap_or_else(|| "vitrine.invalid/".into());
    for m in &data.milestones {
        let day = m.due.iso.get(..10).unwrap_or(&m.due.iso).replace('-', "");
        ics.push_str("BEGIN:VEVENT\r\n");
        ics.push_str(&fold(&format!(
            "UID:milestone-{}@{}",
            m.id,
            host.trim_end_matches('/')
                .trim_start_matches("https://")
                .trim_start_matches("http://")
        )));
        let _ = write!(ics, "DTSTAMP:{stamp}\r\nDTSTART;VALUE=DATE:{day}\r\n");
        ics.push_str(&fold(&format!(
            "SUMMARY:{} ({})",
            escape_ics(&m.title),
            m.status.as_str()
        )));
        if let Some(base) = &data.site.base_url {
            ics.push_str(&fold(&format!("URL:{base}{}", m.url)));
        }
        ics.push_str("END:VEVENT\r\n");
    }
    for n in data
        .notes
        .iter()
        .filter(|n| n.kind == crate::content::NoteKind::Incident)
    {
        ics.push_str("BEGIN:VEVENT\r\n");
        ics.push_str(&fold(&format!(
            "UID:incident-{}@{}",
            n.slug,
            host.trim_end_matches('/')
                .trim_start_matches("https://")
                .trim_start_matches("http://")
        )));
        let _ = write!(
            ics,
            "DTSTAMP:{stamp}\r\nDTSTART:{}\r\n",
            utc_stamp(&n.date.stamp)
        );
        if let Some(r) = &n.resolved {
            let _ = write!(ics, "DTEND:{}\r\n", utc_stamp(&r.stamp));
        }
        ics.push_str(&fold(&format!("SUMMARY:{}", escape_ics(&n.title))));
        if let Some(base) = &data.site.base_url {
            ics.push_str(&fold(&format!("URL:{base}{}", n.url)));
        }
        ics.push_str("END:VEVENT\r\n");
    }
    ics.push_str("END:VCALENDAR\r\n");
    OutFile {
        path: "calendar.ics".into(),
        bytes: ics.into_bytes(),
    }
}

/// `2026-01-05T10:00:00+08:00` → `20260105T020000Z`.
fn utc_stamp(rfc: &str) -> String {
    rfc.parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

fn escape_ics(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// `status.json`: the dashboard's headline figures for other tools.
#[derive(Serialize)]
struct Status<'a> {
    project: &'a str,
    health: Option<&'static str>,
    progress: Option<u8>,
    open_issues: BTreeMap<&'static str, usize>,
    open_incidents: Vec<&'a str>,
    last_update: Option<&'a str>,
    /// When the next status note is due (RFC 3339): past it, the status is stale.
    next_update_due: Option<&'a str>,
    source_commit: Option<&'a str>,
    generated: &'a str,
}

pub fn status_json(data: &SiteData) -> OutFile {
    let d = &data.dashboard;
    let mut open: BTreeMap<&'static str, usize> = d
        .open_defects
        .iter()
        .map(|c| (c.severity.as_str(), 0))
        .collect();
    for i in data.issues.iter().filter(|i| i.open) {
        *open.entry(i.severity.as_str()).or_default() += 1;
    }
    let status = Status {
        project: &data.site.title,
        health: d.health.map(|h| h.as_str()),
        progress: d.progress,
        open_issues: open,
        open_incidents: data
            .site
            .incidents
            .iter()
            .map(|i| i.title.as_str())
            .collect(),
        last_update: data.notes.first().map(|n| n.date.stamp.as_str()),
        next_update_due: data.site.next_update.as_ref().map(|d| d.stamp.as_str()),
        source_commit: data.site.revision.as_ref().map(|r| r.id.as_str()),
        generated: &data.site.built.stamp,
    };
    let json = serde_json::to_string_pretty(&status).unwrap_or_default();
    OutFile {
        path: "status.json".into(),
        bytes: json.into_bytes(),
    }
}

/// `badge.svg`: "status | on track", for a README or an intranet page.
pub fn badge(data: &SiteData, strings: &BTreeMap<String, String>) -> OutFile {
    let key = data
        .dashboard
        .health
        .map_or("health.unknown".to_string(), |h| {
            format!("health.{}", h.as_str())
        });
    let value = strings.get(&key).cloned().unwrap_or(key);
    let label = strings
        .get("dash.health")
        .cloned()
        .unwrap_or_else(|| "status".into());
    let colour = match data.dashboard.health.map(|h| h.as_str()) {
        Some("on-track") => "#116329",
        Some("at-risk") => "#9a6700",
        Some("off-track") => "#a40e26",
        _ => "#57606a",
    };
    let width = |s: &str| {
        10 + s
            .chars()
            .map(|c| if c.is_ascii() { 7 } else { 13 })
            .sum::<usize>()
    };
    let (lw, vw) = (width(&label), width(&value));
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"20\" role=\"img\" aria-label=\"{l}: {v}\">\
<title>{l}: {v}</title><rect width=\"{lw}\" height=\"20\" fill=\"#555\"/><rect x=\"{lw}\" width=\"{vw}\" height=\"20\" fill=\"{colour}\"/>\
<g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\"><text x=\"5\" y=\"14\">{l}</text><text x=\"{vx}\" y=\"14\">{v}</text></g></svg>\n",
        w = lw + vw,
        l = esc(&label),
        v = esc(&value),
        vx = lw + 5,
    );
    OutFile {
        path: "badge.svg".into(),
        bytes: svg.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_tooltips() {
        assert_eq!(
            plain(
                "<p>A <a class=\"term\" href=\"x\">UAT<span class=\"tip\" role=\"tooltip\">def</span></a> &amp; b</p>"
            ),
            "A UAT & b"
        );
    }

    #[test]
    fn long_calendar_lines_fold_between_characters() {
        let f = fold(&format!("SUMMARY:{}", "验".repeat(40)));
        assert!(f.split("\r\n").all(|l| l.len() <= 75), "{f}");
        assert_eq!(
            f.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "验".repeat(40))
        );
    }
}
