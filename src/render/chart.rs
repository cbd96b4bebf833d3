//! Small inline SVG charts made at build time: no script, no request, readable in dark
//! mode (they draw with `currentColor`) and in print.

use std::fmt::Write;

use crate::dates::When;

/// A sparkline of a series with its target as a dashed line; empty for no points.
pub fn sparkline(points: &[(When, f64)], target: Option<f64>) -> String {
    if points.is_empty() {
        return String::new();
    }
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
