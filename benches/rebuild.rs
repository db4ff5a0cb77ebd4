//! Watch-mode rebuild time, measured in process (issue: ≤ 50 ms after a
//! one-paragraph edit of a 20-page material on 2 cores).
//!
//! `cargo bench --bench rebuild` — copies the bundled example to a temp
//! folder, grows it to ~20 pages, builds once (cold), then edits one
//! paragraph and rebuilds, many times, as `shenbao watch` does.

use std::path::Path;
use std::time::Instant;

use shenbao::diag::Sources;
use shenbao::pipeline::{self, BuildConfig, Engine};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// One rebuild as `watch` does it: milliseconds and body pages.
fn build(engine: &Engine, input: &Path) -> (f64, usize) {
    let start = Instant::now();
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let report = pipeline::build(engine, input, &mut sources, &mut diags);
    let report = report.unwrap_or_else(|| panic!("{}", sources.render(&diags)));
    comemo::evict(10);
    (start.elapsed().as_secs_f64() * 1000.0, report.files[1].1)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    copy_dir(&root.join("examples/luoyang-bearing"), &dir);
    // Grow the implementation part to about 20 body pages (still under 8000 字
    // is not needed here: the build checks, but a draft build writes anyway).
    let part = dir.join("parts/implementation.md");
    let text = std::fs::read_to_string(&part).unwrap();
    let extra: String = text
        .lines()
        .filter(|l| {
            !l.starts_with('#')
                && !l.starts_with('|')
                && !l.starts_with('!')
                && !l.starts_with("表")
        })
        .take(400)
        .collect::<Vec<_>>()
        .join("\n\n");
    std::fs::write(
        &part,
        format!("{text}\n\n## 补充说明\n\n{extra}\n\n## 补充说明之二\n\n{extra}\n"),
    )
    .unwrap();
    let input = dir.join("material.yaml");
    let engine = Engine::new(BuildConfig {
        out_dir: tmp.path().join("out"),
        templates: None,
        font_paths: Vec::new(),
        system_fonts: false,
        draft: true,
        emit_typst: None,
        durable: false,
        outputs: Some(shenbao::watch::OUTPUTS.map(String::from).to_vec()),
        print: Default::default(),
        slides: Default::default(),
        opinion: None,
    });
    let (cold, pages) = build(&engine, &input);
    let mut times = Vec::new();
    for i in 0..30 {
        let t = std::fs::read_to_string(&part).unwrap();
        // A one-paragraph edit: change one sentence in the middle.
        let edited = t.replacen("公司", if i % 2 == 0 { "企业" } else { "公司" }, 1);
        std::fs::write(&part, edited).unwrap();
        times.push(build(&engine, &input).0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "rebuild after a one-paragraph edit ({} runs, body {pages} pages): median {:.1} ms, p90 {:.1} ms, min {:.1} ms; cold first build {cold:.1} ms",
        times.len(),
        times[times.len() / 2],
        times[times.len() * 9 / 10],
        times[0]
    );
}
