//! How numbers and dates read in the site's language: one home for every formatter that
//! more than one stage needs (the report in `insight`, the views in `render`), so a
//! stage never borrows a formatter from a later one.

/// A measurement as people write it: no trailing zeros, at most two decimals.
pub fn fmt_num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A language as data, read from its `i18n/<lang>.toml`: the UI strings, month and weekday
/// names, date, time, month and week patterns, duration units, number format and plural
/// rule. Templates reach it through `t(key=…)` and the date filters; nothing here knows a
/// language by name except the plural rules, which are named by their CLDR shape.
#[derive(Debug, Clone)]
pub struct Lang {
    /// The language tag (`en`, `zh-CN`, `de`).
    pub tag: String,
    strings: std::collections::BTreeMap<String, String>,
}

/// The CLDR plural category of `n` under `rule` (the `plural.rule` key):
/// `other` (no plural: zh, ja, ko), `one-other` (en, de, nl, sv, it, es),
/// `french` (0 and 1 are `one`), `slavic` (ru, uk: one, few, many),
/// `polish` (one, few, many).
pub fn plural_category(rule: &str, n: f64) -> &'static str {
    let int = n.fract() == 0.0;
    let i = n.abs().trunc() as u64;
    match rule {
        "other" => "other",
        "french" if i <= 1 => "one",
        "slavic" | "polish" if !int => "other",
        "slavic" if i % 10 == 1 && i % 100 != 11 => "one",
        "slavic" | "polish" if (2..=4).contains(&(i % 10)) && !(12..=14).contains(&(i % 100)) => {
            "few"
        }
        "slavic" => "many",
        "polish" if i == 1 => "one",
        "polish" => "many",
        _ if int && i == 1 => "one",
        _ => "other",
    }
}

impl Lang {
    pub fn new(tag: &str, strings: &std::collections::BTreeMap<String, String>) -> Lang {
        Lang {
            tag: tag.to_string(),
            strings: strings.clone(),
        }
    }

    /// A string by key, if the language has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.strings.get(key).map(String::as_str)
    }

    fn data(&self, key: &str, fallback: &'static str) -> &str {
        self.get(key).unwrap_or(fallback)
    }

    /// The plural category of `n` in this language.
    pub fn plural(&self, n: f64) -> &'static str {
        plural_category(self.data("plural.rule", "one-other"), n)
    }

    /// `t(key="…", n=…, default=…, name=value…)`: the string of `key` (its plural form
    /// `key.one`/`key.other`… when `n` is given), with `{name}` replaced by each argument.
    /// A key the language does not have is an error, unless `default` is given.
    pub fn translate(&self, kwargs: &tera::Kwargs) -> Result<tera::Value, tera::Error> {
        let key = kwargs.must_get::<&str>("key")?;
        let n = kwargs.get::<f64>("n").ok().flatten();
        // Every page asks for dozens of strings: the plain lookup allocates nothing.
        let found = match n {
            Some(n) => (self.get(&format!("{key}.{}", self.plural(n))))
                .or_else(|| self.get(&format!("{key}.other")))
                .or_else(|| self.get(key)),
            None => self.get(key),
        };
        let Some(text) = found else {
            if let Some(d) = kwargs.get::<tera::Value>("default")? {
                return Ok(d);
            }
            return Err(tera::Error::message(format!(
                "no translation `{key}` in theme/i18n/{}.toml",
                self.tag
            )));
        };
        if !text.contains('{') {
            return Ok(tera::Value::from(text));
        }
        let mut out = text.to_string();
        for (k, v) in kwargs.iter() {
            let name = k.to_string();
            if name == "key" || name == "default" || !out.contains('{') {
                continue;
            }
            let value = match v.as_f64() {
                Some(x) if v.is_number() => self.number(x),
                _ => v.as_str().map_or_else(|| v.to_string(), str::to_string),
            };
            out = out.replace(&format!("{{{name}}}"), &value);
        }
        Ok(tera::Value::from(out))
    }

    /// A number with the language's decimal and grouping marks, at most two decimals.
    pub fn number(&self, v: f64) -> String {
        let s = fmt_num(v);
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let group = self.data("number.group", ",");
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 && digits.len() > 4 {
                grouped.push_str(group);
            }
            grouped.push(c);
        }
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{}{frac}", self.data("number.decimal", "."))
        }
    }

    fn fill(&self, pattern: &str, y: i64, m: i64, d: i64, wd: i64) -> String {
        let month = |k: &str| self.get(&format!("{k}.{m}")).unwrap_or("").to_string();
        pattern
            .replace("{y}", &y.to_string())
            .replace("{mm}", &format!("{m:02}"))
            .replace("{dd}", &format!("{d:02}"))
            .replace("{month}", &month("date.month"))
            .replace("{mon}", &month("date.mon"))
            .replace(
                "{weekday}",
                self.get(&format!("date.weekday.{wd}")).unwrap_or(""),
            )
            .replace("{m}", &m.to_string())
            .replace("{d}", &d.to_string())
    }

    /// A calendar day as the language writes it (`date.day`).
    pub fn date(&self, d: jiff::civil::Date) -> String {
        let (y, m, day) = (d.year().into(), d.month().into(), d.day().into());
        let wd = d.weekday().to_monday_one_offset().into();
        self.fill(self.data("date.day", "{d} {mon} {y}"), y, m, day, wd)
    }

    /// The month of `d` as a heading (`date.month_heading`: `November 2026`, `2026年11月`).
    pub fn month_of(&self, d: jiff::civil::Date) -> String {
        let p = self.data("date.month_heading", "{month} {y}");
        self.fill(p, d.year().into(), d.month().into(), 1, 0)
    }

    /// The days from `first` to `last` as a title, written as briefly as the calendar
    /// allows (`date.range_month`: `23–29 Nov 2026`, `2026年11月23日至29日`; across months
    /// `date.range_year`; across years `date.range`). Placeholders: those of `date.day`
    /// with `1` or `2` appended (`{d1}`, `{mon2}`), and `{from}`/`{to}` (whole days).
    pub fn range(&self, first: jiff::civil::Date, last: jiff::civil::Date) -> String {
        if first == last {
            return self.date(first);
        }
        let (key, fallback) = if first.year() != last.year() {
            ("date.range", "{from} – {to}")
        } else if first.month() != last.month() {
            ("date.range_year", "{d1} {mon1} – {d2} {mon2} {y2}")
        } else {
            ("date.range_month", "{d1}–{d2} {mon2} {y2}")
        };
        let mut out = self
            .data(key, fallback)
            .replace("{from}", &self.date(first))
            .replace("{to}", &self.date(last));
        for (n, d) in [("1", first), ("2", last)] {
            let (y, m, day) = (d.year(), d.month(), d.day());
            let name = |k: &str| self.get(&format!("{k}.{m}")).unwrap_or("").to_string();
            for (k, v) in [
                ("y", y.to_string()),
                ("mm", format!("{m:02}")),
                ("dd", format!("{day:02}")),
                ("month", name("date.month")),
                ("mon", name("date.mon")),
                ("m", m.to_string()),
                ("d", day.to_string()),
            ] {
                out = out.replace(&format!("{{{k}{n}}}"), &v);
            }
        }
        out
    }

    /// The ISO week from `first` to `last`, for small print beside a date-range title
    /// (`date.week`: `ISO week 48, 2026`; `{from}` and `{to}` are its first and last day).
    pub fn week(&self, first: jiff::civil::Date, last: jiff::civil::Date) -> String {
        let w = first.iso_week_date();
        self.data("date.week", "ISO week {w}, {y}")
            .replace("{w}", &w.week().to_string())
            .replace("{y}", &w.year().to_string())
            .replace("{from}", &self.date(first))
            .replace("{to}", &self.date(last))
    }

    /// The day of an RFC 3339 time or a plain `YYYY-MM-DD` as the language writes it
    /// (`date.day`: `5 Jan 2026`, `5. Januar 2026`); `None` if `stamp` starts with no date.
    pub fn day(&self, stamp: &str) -> Option<String> {
        let date: jiff::civil::Date = stamp.get(..10)?.parse().ok()?;
        Some(self.date(date))
    }

    /// A day and, unless `iso` is only a day (`YYYY-MM-DD`), its time of day from `stamp`
    /// (`date.time`).
    pub fn when(&self, iso: &str, stamp: &str) -> Option<String> {
        let day = self.day(stamp)?;
        if iso.len() == 10 {
            return Some(day);
        }
        let text = self
            .data("date.time", "{day} {hh}:{mi}")
            .replace("{day}", &day)
            .replace("{hh}", stamp.get(11..13)?)
            .replace("{mi}", stamp.get(14..16)?);
        Some(text)
    }

    /// `<time datetime="…">…</time>`.
    pub fn time_html(&self, iso: &str, stamp: &str) -> Option<String> {
        let text = self.when(iso, stamp)?;
        Some(format!("<time datetime=\"{iso}\">{}</time>", escape(&text)))
    }

    /// A month heading from `YYYY-MM` (`date.month_heading`: `November 2026`).
    pub fn month_key(&self, key: &str) -> Result<tera::Value, tera::Error> {
        let (y, m) = key
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
            .ok_or_else(|| tera::Error::message(format!("`month` needs YYYY-MM, got `{key}`")))?;
        let p = self.data("date.month_heading", "{month} {y}");
        Ok(tera::Value::from(self.fill(p, y, m, 1, 0)))
    }

    /// A duration in minutes with the language's units (`duration.d`, `.h`, `.min`, each
    /// with plural forms `.one`/`.other`… if the language needs them).
    /// A span known only to the day: `3 d` (`duration.d`, with its plural forms).
    pub fn days(&self, n: i64) -> String {
        let key = "duration.d";
        self.get(&format!("{key}.{}", self.plural(n as f64)))
            .or_else(|| self.get(key))
            .unwrap_or("{n}")
            .replace("{n}", &n.to_string())
    }

    pub fn duration(&self, minutes: i64) -> String {
        let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        let unit = |n: i64, k: &str| {
            let cat = self.plural(n as f64);
            let key = format!("duration.{k}");
            self.get(&format!("{key}.{cat}"))
                .or_else(|| self.get(&key))
                .unwrap_or("{n}")
                .replace("{n}", &n.to_string())
        };
        let (a, b) = if d > 0 {
            (unit(d, "d"), unit(h, "h"))
        } else if h > 0 {
            (unit(h, "h"), unit(m, "min"))
        } else {
            return unit(m, "min");
        };
        // `duration.two`: how two units stand together (`{d} {h}`; `{d}{h}` in Chinese).
        self.data("duration.two", "{d} {h}")
            .replace("{d}", &a)
            .replace("{h}", &b)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::Lang;
    use jiff::civil::date;

    /// A language from the built-in file of `tag` (English under it, as in a build).
    fn lang(tag: &str) -> Lang {
        let mut strings = std::collections::BTreeMap::new();
        for file in ["en", tag] {
            let path = format!("{}/theme/i18n/{file}.toml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).unwrap();
            let table: std::collections::BTreeMap<String, String> = toml::from_str(&text).unwrap();
            strings.extend(table);
        }
        Lang::new(tag, &strings)
    }

    #[test]
    fn a_period_title_names_its_days_as_briefly_as_the_calendar_allows() {
        let (en, zh) = (lang("en"), lang("zh-CN"));
        let cases = [
            (
                date(2026, 11, 23),
                date(2026, 11, 29),
                "23–29 Nov 2026",
                "2026年11月23日至29日",
            ),
            (
                date(2026, 11, 30),
                date(2026, 12, 6),
                "30 Nov – 6 Dec 2026",
                "2026年11月30日至12月6日",
            ),
            (
                date(2026, 12, 28),
                date(2027, 1, 3),
                "28 Dec 2026 – 3 Jan 2027",
                "2026年12月28日至2027年1月3日",
            ),
            (
                date(2026, 11, 23),
                date(2026, 11, 23),
                "23 Nov 2026",
                "2026年11月23日",
            ),
        ];
        for (a, b, e, z) in cases {
            assert_eq!(en.range(a, b), e);
            assert_eq!(zh.range(a, b), z);
        }
        assert_eq!(
            en.week(date(2026, 11, 23), date(2026, 11, 29)),
            "ISO week 48, 2026"
        );
    }
}
