//! Watch-mode rebuild time, measured in process (issue: ≤ 50 ms after a
//! one-paragraph edit of a 20-page material on 2 cores).
//!
//! `cargo bench --bench rebuild` — copies the bundled example to a temp
//! folder, grows it to ~20 pages, builds once (cold), then edits one
//! paragraph and rebuilds, many times, as `shenbao watch` does.
//!
//! `REBUILD_RUNS` (default 30) sets the number of edits; `REBUILD_TEMPLATES`
//! a template folder that overrides the bundled one file by file, to
//! measure a template change before and after with one binary.

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

/// CPU seconds this process has used, all threads (Linux; `None` elsewhere).
/// On a machine shared with other work the wall time of a rebuild says as
/// much about the neighbours as about shenbao; the CPU time does not.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and
    // stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
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
        // A folder of templates to compare against (`--templates`).
        templates: std::env::var_os("REBUILD_TEMPLATES").map(Into::into),
        system_fonts: false,
        draft: true,
        durable: false,
        outputs: Some(shenbao::watch::OUTPUTS.map(String::from).to_vec()),
        ..BuildConfig::new(tmp.path().join("out"))
    });
    let (cold, pages) = build(&engine, &input);
    let runs: usize = std::env::var("REBUILD_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30);
    let base = std::fs::read_to_string(&part).unwrap();
    let mut times = Vec::new();
    let cpu_before = cpu_seconds();
    for i in 0..runs {
        // A one-paragraph edit that is new text every time (the run's
        // number is in it), so no rebuild is a cache hit of an earlier one:
        // toggling between two texts made every other rebuild one.
        let edited = base.replacen("公司", &format!("公司（第{i}稿）"), 1);
        std::fs::write(&part, edited).unwrap();
        times.push(build(&engine, &input).0);
    }
    let cpu = match (cpu_before, cpu_seconds()) {
        (Some(a), Some(b)) => format!(
            "; CPU {:.1} ms a rebuild (mean, all threads)",
            (b - a) * 1000.0 / runs as f64
        ),
        _ => String::new(),
    };
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "rebuild after a one-paragraph edit ({} runs, body {pages} pages): median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms; cold first build {cold:.1} ms{cpu}",
        times.len(),
        at(0.5),
        at(0.9),
        times[0],
        times[times.len() - 1]
    );
}
