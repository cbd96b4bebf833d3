//! Points in time as vitrine uses them: always with a time zone.
//!
//! A front-matter `date: 2026-03-14` means the start of that day in the site's time zone; a
//! commit's time keeps its author's offset for `datetime` attributes, and is *shown* in the
//! site's time zone.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::Serialize;

/// A point in time and whether only its day is meaningful.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct When {
    pub zoned: ZonedDateTime,
    /// The source gave a day only (`2026-03-14`), so the time of day is not shown.
    pub date_only: bool,
}

/// The hint every date error carries.
pub const DATE_HINT: &str =
    "dates are YYYY-MM-DD or RFC 3339, e.g. 2026-03-14 or 2026-03-14T09:30:00+08:00";

impl When {
    /// Parses a front-matter date in the site's time zone.
    pub fn parse(s: &str, tz: &TimeZone) -> Result<When, String> {
        let s = s.trim();
        if let Ok(d) = s.parse::<Date>()
            && s.len() == 10
        {
            let zoned = d.to_zoned_datetime(tz.clone()).map_err(|e| e.to_string())?;
            return Ok(When {
                zoned,
                date_only: true,
            });
        }
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Ok(When {
                zoned: ts.to_zoned_datetime(tz.clone()),
                date_only: false,
            });
        }
        let civil = s.replacen(' ', "T", 1);
        if let Ok(dt) = civil.parse::<DateTime>() {
            let zoned = dt
                .to_zoned_datetime(tz.clone())
                .map_err(|e| e.to_string())?;
            return Ok(When {
                zoned,
                date_only: false,
            });
        }
        Err(format!("`{s}` is not a date"))
    }

    /// A commit time, shown in the site's time zone.
    pub fn from_commit(ts: Timestamp, tz: &TimeZone) -> When {
        When {
            zoned: ts.to_zoned_datetime(tz.clone()),
            date_only: false,
        }
    }

    pub fn timestamp(&self) -> Timestamp {
        self.zoned.timestamp()
    }

    /// The view a template gets.
    pub fn view(&self, lang: &str) -> DateView {
        let z = &self.zoned;
        let iso = if self.date_only {
            z.date().to_string()
        } else {
            z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        };
        let day = format_day(z.date(), lang);
        let text = if self.date_only {
            day.clone()
        } else {
            format!("{day} {}", z.strftime("%H:%M"))
        };
        let stamp = z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        DateView {
            iso,
            text,
            day,
            ts: z.timestamp().as_second(),
            stamp,
        }
    }
}

/// A date for templates: `<time datetime="{{ iso }}">{{ text }}</time>`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DateView {
    /// Machine-readable, with offset (or a plain day).
    pub iso: String,
    /// Day and time as a reader expects it in the site's language.
    pub text: String,
    /// The day alone.
    pub day: String,
    /// Unix seconds, for sorting and scripts.
    pub ts: i64,
    /// Always a full RFC 3339 time with offset (feeds, calendars).
    pub stamp: String,
}

impl DateView {
    /// Year, month and day in the site's time zone.
    pub fn ymd(&self) -> (i64, i64, i64) {
        let n = |r: std::ops::Range<usize>| self.stamp.get(r).and_then(|s| s.parse().ok());
        (
            n(0..4).unwrap_or(0),
            n(5..7).unwrap_or(1),
            n(8..10).unwrap_or(1),
        )
    }

    /// ISO weekday: 1 for Monday to 7 for Sunday.
    pub fn weekday(&self) -> i64 {
        let (y, m, d) = self.ymd();
        jiff::civil::Date::new(y as i16, m as i8, d as i8)
            .map_or(1, |d| i64::from(d.weekday().to_monday_one_offset()))
    }

    /// Only the day is known (no time of day is shown).
    pub fn date_only(&self) -> bool {
        self.iso.len() == 10
    }

    /// `<time datetime="…">…</time>`.
    pub fn to_html(&self) -> String {
        format!("<time datetime=\"{}\">{}</time>", self.iso, self.text)
    }
}

/// `9 Jan 2026` or `2026年1月9日`.
pub fn format_day(d: Date, lang: &str) -> String {
    if lang.starts_with("zh") {
        format!("{}年{}月{}日", d.year(), d.month(), d.day())
    } else {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {} {}",
            d.day(),
            MONTHS[(d.month() - 1) as usize],
            d.year()
        )
    }
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: &When, b: &When) -> i64 {
    (b.timestamp().as_second() - a.timestamp().as_second()).div_euclid(86_400)
}
