//! `metrics/*.csv`: a header `date,NAME[,NAME…]` and one row per measurement. Each column
//! becomes a series; empty cells are gaps.

use jiff::tz::TimeZone;

use super::MetricSeries;
use crate::dates::{DATE_HINT, When};
use crate::diag::{Diagnostic, Diagnostics};

pub fn parse(path: &str, text: &str, tz: &TimeZone, diags: &mut Diagnostics) -> Vec<MetricSeries> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Vec::new();
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    if names.first() != Some(&"date") || names.len() < 2 {
        diags.push(
            Diagnostic::error("a metrics file must start with a header `date,NAME[,NAME…]`")
                .at(path)
                .line_col(1, 1),
        );
        return Vec::new();
    }
    let mut series: Vec<MetricSeries> = names[1..]
        .iter()
        .map(|n| MetricSeries {
            name: n.to_string(),
            path: path.to_string(),
            points: Vec::new(),
        })
        .collect();
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let when = match When::parse(cells[0], tz) {
            Ok(w) => w,
            Err(e) => {
                diags.push(
                    Diagnostic::error(e)
                        .at(path)
                        .line_col(i + 1, 1)
                        .hint(DATE_HINT),
                );
                continue;
            }
        };
        for (s, cell) in series.iter_mut().zip(cells.iter().skip(1)) {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => s.points.push((when.clone(), v)),
                _ => diags.push(
                    Diagnostic::error(format!("`{cell}` is not a number (column `{}`)", s.name))
                        .at(path)
                        .line_col(i + 1, line.find(cell).unwrap_or(0) + 1),
                ),
            }
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.cmp(&b.0));
    }
    series
}
