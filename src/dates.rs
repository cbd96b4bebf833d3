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

    /// The view a template gets; the `time` and `day` filters write it in the site's
    /// language.
    pub fn view(&self) -> DateView {
        let z = &self.zoned;
        let stamp = z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let iso = if self.date_only {
            z.date().to_string()
        } else {
            stamp.clone()
        };
        DateView {
            iso,
            ts: z.timestamp().as_second(),
            stamp,
        }
    }
}

/// A date for templates: `{{ date | time }}` (`<time datetime="…">…</time>`) or
/// `{{ date | day }}`. How it reads is language data, so the view holds none.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DateView {
    /// Machine-readable, with offset (or a plain day).
    pub iso: String,
    /// Unix seconds, for sorting and scripts.
    pub ts: i64,
    /// Always a full RFC 3339 time with offset (feeds, calendars).
    pub stamp: String,
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: &When, b: &When) -> i64 {
    (b.timestamp().as_second() - a.timestamp().as_second()).div_euclid(86_400)
}
