//! Deterministic text for benchmarks: status-note-like English with some Chinese.

/// A deterministic pseudo-random generator (xorshift), so every run makes the same repo.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

pub const WORDS: &[&str] = &[
    "booking",
    "patient",
    "reception",
    "release",
    "interface",
    "cache",
    "timetable",
    "reminder",
    "delivery",
    "acceptance",
    "testing",
    "response",
    "latency",
    "design",
    "review",
    "client",
    "clinic",
    "schedule",
    "defect",
    "risk",
    "vendor",
    "deployment",
    "monitoring",
    "database",
    "migration",
    "security",
    "access",
    "report",
];
pub const ZH: &[&str] = &[
    "预约", "患者", "前台", "发布", "接口", "缓存", "排班", "提醒", "验收", "测试", "响应", "风险",
];

pub fn sentence(r: &mut Rng, n: usize) -> String {
    let mut s: Vec<&str> = (0..n).map(|_| r.pick(WORDS)).collect();
    if r.next().is_multiple_of(4) {
        s.push(r.pick(ZH));
    }
    let mut out = s.join(" ");
    if let Some(f) = out.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    out + "."
}

pub fn note_body(r: &mut Rng, i: usize) -> String {
    let mut b = String::new();
    for _ in 0..3 {
        b += &sentence(r, 14);
        b.push(' ');
    }
    b += "\n\n## What we did\n\n";
    for _ in 0..4 {
        b += &format!("- {} (ISS-{})\n", sentence(r, 8), 1 + (r.next() % 500));
    }
    b += "\n| Measure | Value |\n|---|---|\n";
    b += &format!(
        "| coverage | {}% |\n| p95 | {} ms |\n\n",
        40 + i % 50,
        500 + r.next() % 900
    );
    b += "## Next steps\n\n";
    for _ in 0..3 {
        b += &format!("1. {}\n", sentence(r, 10));
    }
    b += &format!("\n{}\n", sentence(r, 30));
    b
}
