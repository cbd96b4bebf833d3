//! Quality metrics: a series against its target, its table and its chart.

use super::*;
use crate::format::Lang;

#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub target: Option<f64>,
    pub better: &'static str,
    pub latest: Option<f64>,
    /// `latest` as a reader expects it (`82`, `0.75`), without the unit.
    pub latest_text: Option<String>,
    pub target_text: Option<String>,
    pub latest_date: Option<DateView>,
    /// Latest value meets the target (None without a target or values).
    pub met: Option<bool>,
    /// The latest [`METRIC_ROWS`] measurements, oldest first (the history table).
    pub points: Vec<PointView>,
    /// How many measurements the series has in all.
    pub points_total: usize,
    /// A small inline SVG of the series with its target line.
    pub sparkline: String,
    /// The full chart with axes and target.
    pub chart: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PointView {
    pub date: DateView,
    pub value: f64,
    pub text: String,
}

/// The most measurements a metric's history table lists (the newest); the chart shows
/// the whole series, downsampled.
pub const METRIC_ROWS: usize = 100;

pub(super) fn metric_view(s: &MetricSeries, config: &Config, lang: &Lang) -> MetricView {
    let meta = config.metrics.get(&s.name).cloned().unwrap_or_default();
    let latest = s.points.last();
    let met = insight::metric_met(&meta, latest.map(|(_, v)| *v));
    MetricView {
        name: s.name.clone(),
        label: meta.label.clone().unwrap_or_else(|| s.name.clone()),
        unit: meta.unit.clone().unwrap_or_default(),
        target: meta.target,
        better: if meta.better == Better::Lower {
            "lower"
        } else {
            "higher"
        },
        latest: latest.map(|p| p.1),
        latest_text: latest.map(|p| lang.number(p.1)),
        target_text: meta.target.map(|t| lang.number(t)),
        latest_date: latest.map(|p| p.0.view()),
        met,
        points_total: s.points.len(),
        points: s.points[s.points.len().saturating_sub(METRIC_ROWS)..]
            .iter()
            .map(|(w, v)| PointView {
                date: w.view(),
                value: *v,
                text: lang.number(*v),
            })
            .collect(),
        sparkline: crate::render::chart::sparkline(&s.points, meta.target),
        chart: String::new(),
    }
}

pub(super) fn metric_chart(m: &MetricView, s: &MetricSeries, input: &ViewInput<'_>) -> String {
    if s.points.len() < 2 {
        return String::new();
    }
    let points: Vec<(i64, f64)> = s
        .points
        .iter()
        .map(|(w, v)| (w.timestamp().as_second(), *v))
        .collect();
    let desc = label(input, "chart.metric_desc")
        .replace("{label}", &m.label)
        .replace(
            "{from}",
            &format!("{}{}", input.lang.number(points[0].1), m.unit),
        )
        .replace(
            "{to}",
            &format!(
                "{}{}",
                input.lang.number(points[points.len() - 1].1),
                m.unit
            ),
        )
        .replace(
            "{target}",
            &m.target_text
                .clone()
                .map_or("–".into(), |t| format!("{t}{}", m.unit)),
        );
    let target_label = label(input, "metrics.target");
    let series = [crate::render::chart::Series {
        label: &m.label,
        class: "s-progress",
        points,
        dashed: false,
    }];
    let target = m.target.map(|t| (t, target_label.as_str()));
    crate::render::chart::line_chart(
        &m.label,
        &desc,
        &series,
        target,
        &m.unit,
        if m.unit.trim() == "%" {
            crate::render::chart::Axis::Percent
        } else {
            crate::render::chart::Axis::Value
        },
        input.lang,
        &input.config.tz(),
    )
}
