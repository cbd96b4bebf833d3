//! Linking benchmark: 500 glossary terms (each with an acronym alias, some Chinese) over
//! 10,000 status notes, rendered with and without linking, in one process.
//!
//! cargo run --release --example linkbench [-- NOTES TERMS]
//!
//! Two corpora: "typical", where each note mentions five glossary terms or issue ids among
//! its ordinary words, and "dense", where the terms are pairs of the notes' own vocabulary so
//! that almost every other word is a term (a worst case). Prints the Markdown volume, the
//! median render time with and without linking over 5 runs, and the cost per MB of text.

#[path = "common/text.rs"]
mod text;

use std::time::Instant;

use text::{Rng, WORDS, ZH, note_body};
use vitrine::render::linker::{IssueInput, Linker, TermInput};
use vitrine::render::markdown::Markdown;

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"));
    let notes = args.next().unwrap_or(10_000);
    let nterms = args.next().unwrap_or(500);
    let mut r = Rng(0x9e3779b97f4a7c15);
    let plain_bodies: Vec<String> = (0..notes).map(|i| note_body(&mut r, i)).collect();

    // Typical: invented terms, five mentions per note.
    const SYL: &[&str] = &["ka", "lo", "mi", "ren", "su", "ta", "vo", "zen", "pa", "qi"];
    let word = |n: usize| -> String {
        let w: String = [n % 10, n / 10 % 10, n / 100 % 10]
            .iter()
            .map(|i| SYL[*i])
            .collect();
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    let typical_names: Vec<String> = (0..nterms)
        .map(|i| format!("{} {}", word(i), word(i * 7 + 3)))
        .collect();
    let typical: Vec<String> = plain_bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let t = |k: usize| &typical_names[(i * 31 + k * 97) % typical_names.len()];
            format!(
                "{b}\nWe discussed {} and {} with the team, then {} (ISS-{}) and {}.\n",
                t(0),
                t(1),
                t(2),
                1 + i % 500,
                t(3)
            )
        })
        .collect();
    run("typical", &typical, &typical_names, notes);

    // Dense: pairs of the notes' own words.
    let mut names = Vec::new();
    'outer: for a in WORDS {
        for b in WORDS {
            if a != b {
                names.push(format!("{a} {b}"));
            }
            if names.len() == nterms {
                break 'outer;
            }
        }
    }
    run("dense", &plain_bodies, &names, notes);
}

fn run(label: &str, bodies: &[String], names: &[String], notes: usize) {
    let mb = bodies.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let aliases: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let initials: String = n.split(' ').map(|w| w[..1].to_ascii_uppercase()).collect();
            vec![
                format!("{initials}{i}"),
                format!("{}{}", ZH[i % ZH.len()], ZH[(i / ZH.len()) % ZH.len()]),
            ]
        })
        .collect();
    let anchors: Vec<String> = (0..names.len()).map(|i| format!("t{i}")).collect();
    let terms: Vec<TermInput<'_>> = names
        .iter()
        .zip(&aliases)
        .zip(&anchors)
        .map(|((n, a), anchor)| TermInput {
            term: n,
            aliases: a,
            anchor,
            short: "A short definition of the term.",
        })
        .collect();
    let ids: Vec<(String, String)> = (1..=500)
        .map(|i| (format!("ISS-{i}"), format!("issues/iss-{i}.html")))
        .collect();
    let issues: Vec<IssueInput<'_>> = ids
        .iter()
        .map(|(id, url)| IssueInput {
            id,
            url,
            title: "An issue",
        })
        .collect();

    let t = Instant::now();
    let linker = Linker::new(&terms, &issues);
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let md = Markdown::new(false);
    let links: usize = bodies
        .iter()
        .map(|b| {
            md.render_linked(b, Some(&linker), "../", None)
                .html
                .matches("<a class=")
                .count()
        })
        .sum();
    let time = |linked: bool| {
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let mut n = 0;
                for b in bodies {
                    n += md
                        .render_linked(b, linked.then_some(&linker), "../", None)
                        .html
                        .len();
                }
                std::hint::black_box(n);
                t.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        runs[2]
    };
    let plain = time(false);
    let linked = time(true);
    println!(
        "== {label}: {notes} notes, {mb:.1} MB of Markdown; {} terms ({} patterns with aliases and 500 issue ids); {:.1} links per note",
        names.len(),
        names.len() * 3 + 500,
        links as f64 / notes as f64
    );
    println!("automaton built in {build_ms:.1} ms");
    println!(
        "render without linking: median {plain:.3} s ({:.1} MB/s)",
        mb / plain
    );
    println!(
        "render with linking:    median {linked:.3} s ({:.1} MB/s)",
        mb / linked
    );
    println!(
        "linking costs {:.1} ms per MB ({:+.1}% of rendering, single thread)",
        (linked - plain) * 1e3 / mb,
        (linked / plain - 1.0) * 100.0
    );
}
