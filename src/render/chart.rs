//! Small inline SVG charts made at build time: no script, no request, readable in dark
//! mode (they draw with `currentColor`) and in print.
//!
//! A chart is a few hundred pixels wide, so it never draws more than [`MAX_POINTS`] points
//! (a sparkline [`SPARK_POINTS`]): longer series are downsampled with
//! largest-triangle-three-buckets, which keeps the peaks and troughs a reader looks for.
//! A million-row metrics file makes a chart of the same size as a hundred-row one.

use std::fmt::Write;

use crate::dates::When;
use crate::format::Lang;

/// The most points a line chart draws per series.
pub const MAX_POINTS: usize = 500;
/// The most points a sparkline draws.
pub const SPARK_POINTS: usize = 160;

/// The indices of at most `max` of `n` points that keep the shape of the line
/// (largest-triangle-three-buckets): the first, the last, and from each bucket between
/// them the point making the largest triangle with the one kept before it and the mean of
/// the next bucket. Linear in `n`; all indices when `n <= max`.
pub fn downsample(n: usize, max: usize, xy: impl Fn(usize) -> (f64, f64)) -> Vec<usize> {
    if n <= max || max < 3 {
        return (0..n).collect();
    }
    let every = (n - 2) as f64 / (max - 2) as f64;
    let bucket = |i: usize| {
        let start = (i as f64 * every) as usize + 1;
        let end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        start..end.max(start + 1)
    };
    let mut out = Vec::with_capacity(max);
    out.push(0);
    for i in 0..max - 2 {
        let next = if i + 1 < max - 2 {
            bucket(i + 1)
        } else {
            n - 1..n
        };
        let len = next.len() as f64;
        let (sx, sy) = next
            .map(&xy)
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (cx, cy) = (sx / len, sy / len);
        let (ax, ay) = xy(*out.last().unwrap_or(&0));
        let area = |j: usize| {
            let (bx, by) = xy(j);
            ((ax - cx) * (by - ay) - (ax - bx) * (cy - ay)).abs()
        };
        let best = bucket(i)
            .max_by(|a, b| area(*a).total_cmp(&area(*b)))
            .unwrap_or(n - 1);
        out.push(best);
    }
    out.push(n - 1);
    out
}

/// A sparkline of a series with its target as a dashed line; empty for no points.
pub fn sparkline(points: &[(When, f64)], target: Option<f64>) -> String {
    if points.is_empty() {
        return String::new();
    }
    let kept: Vec<(When, f64)> = downsample(points.len(), SPARK_POINTS, |i| {
        (points[i].0.timestamp().as_second() as f64, points[i].1)
    })
    .into_iter()
    .map(|i| points[i].clone())
    .collect();
    let points = &kept[..];
    let (w, h, pad) = (160.0, 40.0, 4.0);
    let values = points.iter().map(|p| p.1).chain(target);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let t0 = points[0].0.timestamp().as_second() as f64;
    let t1 = points[points.len() - 1].0.timestamp().as_second() as f64;
    let tspan = if t1 > t0 { t1 - t0 } else { 1.0 };
    let x = |t: f64| pad + (t - t0) / tspan * (w - 2.0 * pad);
    let y = |v: f64| h - pad - (v - lo) / span * (h - 2.0 * pad);
    let mut svg = format!(
        "<svg class=\"sparkline\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-hidden=\"true\" focusable=\"false\">"
    );
    if let Some(t) = target {
        let _ = write!(
            svg,
            "<line class=\"target\" x1=\"0\" x2=\"{w}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            y(t),
            y(t)
        );
    }
    let pts: Vec<String> = points
        .iter()
        .map(|(d, v)| {
            let px = if points.len() == 1 {
                w / 2.0
            } else {
                x(d.timestamp().as_second() as f64)
            };
            format!("{px:.1},{:.1}", y(*v))
        })
        .collect();
    let _ = write!(svg, "<polyline points=\"{}\"/>", pts.join(" "));
    if let Some(last) = pts.last() {
        let (lx, ly) = last.split_once(',').unwrap_or(("0", "0"));
        let _ = write!(svg, "<circle cx=\"{lx}\" cy=\"{ly}\" r=\"2.5\"/>");
    }
    svg.push_str("</svg>");
    svg
}

/// What the values of a line chart count, which decides its ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Whole things (issues): whole-number ticks, never a quarter of an issue.
    Count,
    /// A share of 100: ticks at 0, 25, 50, 75 and 100.
    Percent,
    /// Any measurement: 1, 2 or 5 × 10ⁿ steps (never 2.5, 7.5, 12.5: ticks a reader
    /// takes in at a glance).
    Value,
}

/// The tick values of an axis from 0 up to at least `vmax`: at most five intervals of a
/// round step (whole numbers for counts; quarters of 100 for percentages up to 100).
pub fn ticks(vmax: f64, axis: Axis) -> Vec<f64> {
    if axis == Axis::Percent && vmax <= 100.0 {
        return vec![0.0, 25.0, 50.0, 75.0, 100.0];
    }
    let count = axis == Axis::Count;
    let v = if vmax.is_finite() && vmax > 0.0 {
        vmax
    } else {
        1.0
    };
    let mantissas: &[f64] = &[1.0, 2.0, 5.0];
    let first = if count {
        0
    } else {
        v.log10().floor() as i32 - 1
    };
    for e in first..=first + 20 {
        for m in mantissas {
            let step = m * 10f64.powi(e);
            let n = (v / step - 1e-9).ceil().max(1.0);
            if n <= 5.0 {
                return (0..=n as usize)
                    .map(|i| (i as f64 * step * 1e9).round() / 1e9)
                    .collect();
            }
        }
    }
    vec![0.0, v]
}

/// One line of a chart: (Unix seconds, value) points, oldest first.
pub struct Series<'a> {
    pub label: &'a str,
    /// CSS class that colours it (`s-critical`, `s-progress`…).
    pub class: &'a str,
    pub points: Vec<(i64, f64)>,
    pub dashed: bool,
}

/// A line chart with labelled axes, an optional target line, a legend, and a text
/// alternative (`title` and `desc`) for screen readers. Colours come from CSS classes, so
/// dark mode and print restyle it. The axis labels are HTML beside and under the SVG, not
/// text inside it: text in a `viewBox` shrinks with the chart, to 5 px on a phone, while
/// HTML keeps the page's size (`.chart-axis` in the stylesheet).
#[allow(clippy::too_many_arguments)]
pub fn line_chart(
    title: &str,
    desc: &str,
    series: &[Series<'_>],
    target: Option<(f64, &str)>,
    unit: &str,
    axis: Axis,
    lang: &Lang,
    tz: &jiff::tz::TimeZone,
) -> String {
    let series: Vec<Series<'_>> = series
        .iter()
        .map(|s| Series {
            points: downsample(s.points.len(), MAX_POINTS, |i| {
                (s.points[i].0 as f64, s.points[i].1)
            })
            .into_iter()
            .map(|i| s.points[i])
            .collect(),
            ..*s
        })
        .collect();
    let pts: Vec<(i64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    if pts.is_empty() {
        return String::new();
    }
    let (w, h) = (640.0, 240.0);
    let (left, right, top, bottom) = (8.0, 8.0, 8.0, 8.0);
    let (t0, t1) = pts.iter().fold((i64::MAX, i64::MIN), |(a, b), (t, _)| {
        (a.min(*t), b.max(*t))
    });
    let vmax = pts
        .iter()
        .map(|p| p.1)
        .chain(target.map(|t| t.0))
        .fold(0.0_f64, f64::max);
    let ticks = ticks(vmax, axis);
    let ymax = ticks.last().copied().unwrap_or(1.0);
    let x = |t: i64| {
        left + if t1 > t0 {
            (t - t0) as f64 / (t1 - t0) as f64
        } else {
            0.5
        } * (w - left - right)
    };
    let y = |v: f64| top + (1.0 - v / ymax) * (h - top - bottom);
    let id = format!("c{:x}", fnv(title.as_bytes()) ^ fnv(desc.as_bytes()));
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMidYMid meet\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        crate::escape::html(title),
        crate::escape::html(desc)
    );
    let mut labels = String::new();
    // The label column is as wide as its widest label (CJK characters are two `ch` wide):
    // the labels are positioned, so they do not size it themselves.
    let widest = ticks
        .iter()
        .map(|v| {
            format!("{}{unit}", lang.number(*v))
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1);
    for v in &ticks {
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            w - right,
            y(*v),
            y(*v)
        );
        let _ = write!(
            labels,
            "<span style=\"top:{:.2}%\">{}{}</span>",
            y(*v) / h * 100.0,
            lang.number(*v),
            crate::escape::html(unit)
        );
    }
    let day = |t: i64| day_label(t, tz, lang);
    if let Some((t, label)) = target {
        let _ = write!(
            svg,
            "<line class=\"target\" x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"><title>{}</title></line>",
            w - right,
            y(t),
            y(t),
            crate::escape::html(label)
        );
    }
    // The language's punctuation (full-width in Chinese) for each point's tooltip.
    let punct = |k: &str, d: &'static str| crate::escape::html(lang.get(k).unwrap_or(d));
    let (colon, open, close) = (
        punct("punct.colon", ": "),
        punct("punct.paren_open", " ("),
        punct("punct.paren_close", ")"),
    );
    for s in &series {
        let d: Vec<String> = s
            .points
            .iter()
            .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
            .collect();
        let dash = if s.dashed {
            " stroke-dasharray=\"5 4\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<polyline class=\"line {}\" points=\"{}\"{dash}/>",
            s.class,
            d.join(" ")
        );
        for (t, v) in &s.points {
            let _ = write!(
                svg,
                "<circle class=\"dot {}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"><title>{}{colon}{}{}{open}{}{close}</title></circle>",
                s.class,
                x(*t),
                y(*v),
                crate::escape::html(s.label),
                lang.number(*v),
                crate::escape::html(unit),
                crate::escape::html(&day(*t))
            );
        }
    }
    svg.push_str("</svg>");
    let legend: Vec<String> = series
        .iter()
        .map(|s| {
            format!(
                "<li><span class=\"swatch {}\" aria-hidden=\"true\"></span>{}</li>",
                s.class,
                crate::escape::html(s.label)
            )
        })
        .collect();
    format!(
        "<figure class=\"chart-figure\"><div class=\"chart-box\"><div class=\"chart-axis chart-y\" style=\"width:calc({widest}ch + .5em)\" aria-hidden=\"true\">{labels}</div>{svg}\
<p class=\"chart-axis chart-x\" aria-hidden=\"true\"><span>{}</span><span>{}</span></p></div><ul class=\"legend\">{}</ul></figure>",
        crate::escape::html(&day(t0)),
        crate::escape::html(&day(t1)),
        legend.join("")
    )
}

/// Milestones on a time axis: planned (hollow) and actual or current (filled) dates.
/// `row` describes one milestone for screen readers (`{title}`, `{planned}`, `{actual}`:
/// the UI strings `chart.milestone_row` for one still to come and `chart.milestone_row_done`
/// for one reached).
pub fn milestone_chart(
    title: &str,
    [row, row_done]: [&str; 2],
    rows: &[(String, i64, i64, bool, bool)],
    lang: &Lang,
    tz: &jiff::tz::TimeZone,
) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let row_h = 28.0;
    let (w, left, right, top) = (640.0, 170.0, 16.0, 8.0);
    let h = top + row_h * rows.len() as f64 + 26.0;
    let (t0, t1) = rows.iter().fold((i64::MAX, i64::MIN), |(a, b), r| {
        (a.min(r.1.min(r.2)), b.max(r.1.max(r.2)))
    });
    let x = |t: i64| {
        left + if t1 > t0 {
            (t - t0) as f64 / (t1 - t0) as f64
        } else {
            0.5
        } * (w - left - right)
    };
    let day = |t: i64| day_label(t, tz, lang);
    let id = format!("m{:x}", fnv(title.as_bytes()));
    let desc: Vec<String> = rows
        .iter()
        .map(|r| {
            let row = if r.3 { row_done } else { row };
            row.replace("{title}", &r.0)
                .replace("{planned}", &day(r.1))
                .replace("{actual}", &day(r.2))
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"chart milestones-chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        crate::escape::html(title),
        crate::escape::html(&desc.join(lang.get("punct.semicolon").unwrap_or("; ")))
    );
    for (i, (name, planned, actual, done, late)) in rows.iter().enumerate() {
        let cy = top + row_h * i as f64 + row_h / 2.0;
        let short: String = if name.chars().count() > 24 {
            format!("{}…", name.chars().take(23).collect::<String>().trim_end())
        } else {
            name.clone()
        };
        let _ = write!(
            svg,
            "<text class=\"axis label\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            cy + 4.0,
            crate::escape::html(&short)
        );
        let class = if *late { "late" } else { "ontime" };
        let _ = write!(
            svg,
            "<line class=\"span {class}\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{cy:.1}\" y2=\"{cy:.1}\"/>",
            x(*planned),
            x(*actual)
        );
        let _ = write!(
            svg,
            "<circle class=\"planned\" cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"5\"><title>{}</title></circle>",
            x(*planned),
            crate::escape::html(&day(*planned))
        );
        let fill = if *done { "done" } else { "due" };
        let _ = write!(
            svg,
            "<circle class=\"actual {fill} {class}\" cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"5\"><title>{}</title></circle>",
            x(*actual),
            crate::escape::html(&day(*actual))
        );
    }
    axis_dates(&mut svg, left, w - right, h - 6.0, &day(t0), &day(t1));
    svg.push_str("</svg>");
    // Its text is drawn at 11 px of a 640-wide viewBox: the chart keeps that width (it
    // scrolls inside its box on a phone) so the text never shrinks below 11 px. The box
    // takes keyboard focus, so it can be scrolled without a pointer too.
    format!(
        "<div class=\"chart-scroll\" tabindex=\"0\" role=\"group\" aria-labelledby=\"{id}-t\">{svg}</div>"
    )
}

/// A Unix time as a day in the site's time zone and language.
pub(crate) fn day_label(t: i64, tz: &jiff::tz::TimeZone, lang: &Lang) -> String {
    let date = jiff::Timestamp::from_second(t)
        .unwrap_or_default()
        .to_zoned_datetime(tz.clone())
        .date();
    lang.date(date)
}

/// The first and last dates under a time axis.
fn axis_dates(svg: &mut String, left: f64, right: f64, y: f64, first: &str, last: &str) {
    let _ = write!(
        svg,
        "<text class=\"axis\" x=\"{left}\" y=\"{y}\">{}</text>",
        crate::escape::html(first)
    );
    let _ = write!(
        svg,
        "<text class=\"axis\" x=\"{right}\" y=\"{y}\" text-anchor=\"end\">{}</text>",
        crate::escape::html(last)
    );
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325, |h, x| {
        (h ^ u64::from(*x)).wrapping_mul(0x100000001b3)
    })
}

#[cfg(test)]
mod tests {
    use super::{Axis, downsample, ticks};

    #[test]
    fn issue_axes_tick_whole_issues_and_percent_axes_tick_quarters() {
        assert_eq!(ticks(0.0, Axis::Count), [0.0, 1.0]);
        assert_eq!(ticks(1.0, Axis::Count), [0.0, 1.0]);
        assert_eq!(ticks(3.0, Axis::Count), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(6.0, Axis::Count), [0.0, 2.0, 4.0, 6.0]);
        assert_eq!(ticks(19.0, Axis::Count), [0.0, 5.0, 10.0, 15.0, 20.0]);
        for v in [0.0, 1.0, 3.0, 7.0, 19.0, 23.0, 75.0, 140.0, 999.0] {
            let t = ticks(v, Axis::Count);
            assert!(t.iter().all(|x| x.fract() == 0.0), "{v}: {t:?}");
            assert!(*t.last().unwrap() >= v && t.len() <= 6, "{v}: {t:?}");
        }
        for v in [0.0, 12.0, 40.0, 50.0, 88.0, 100.0] {
            assert_eq!(ticks(v, Axis::Percent), [0.0, 25.0, 50.0, 75.0, 100.0]);
        }
        assert_eq!(
            ticks(850.0, Axis::Value),
            [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
        );
        assert_eq!(ticks(0.75, Axis::Value), [0.0, 0.2, 0.4, 0.6, 0.8]);
        // A delay of 12 s: 0, 5, 10, 15 — not 2.5, 7.5, 12.5.
        assert_eq!(ticks(12.0, Axis::Value), [0.0, 5.0, 10.0, 15.0]);
        for v in [0.3, 3.0, 12.0, 37.0, 640.0, 4200.0] {
            let t = ticks(v, Axis::Value);
            let step = t[1] - t[0];
            let m = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|x| (m - x).abs() < 1e-9),
                "{v}: {t:?}"
            );
        }
    }

    #[test]
    fn downsampling_keeps_the_ends_and_the_peak_and_is_bounded() {
        let n = 1_000_000;
        let y = |i: usize| if i == 777_777 { 1000.0 } else { (i % 7) as f64 };
        let kept = downsample(n, 500, |i| (i as f64, y(i)));
        assert_eq!(kept.len(), 500);
        assert_eq!((kept[0], kept[499]), (0, n - 1));
        assert!(kept.contains(&777_777));
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(downsample(3, 500, |i| (i as f64, 0.0)), [0, 1, 2]);
    }
}
