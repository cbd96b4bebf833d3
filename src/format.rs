//! How numbers and dates read in the site's language: one home for every formatter that
//! more than one stage needs (the report in `insight`, the views in `render`), so a
//! stage never borrows a formatter from a later one.

/// A measurement as people write it: no trailing zeros, at most two decimals.
pub fn fmt_num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A month as a heading: `November 2026`, `2026年11月`.
pub fn month_label(d: jiff::civil::Date, lang: &str) -> String {
    if lang.starts_with("zh") {
        format!("{}年{}月", d.year(), d.month())
    } else {
        const M: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!("{} {}", M[(d.month() - 1) as usize], d.year())
    }
}
