//! `shenbao watch`: rebuild on every save of the material, its part files or
//! its images. Fonts are loaded once for the session and Typst's caches
//! (comemo) are kept between rebuilds, so a one-paragraph edit is quick.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use crate::diag::{Severity, Sources};
use crate::pipeline::{self, Engine};

/// What watch rebuilds: the pages the writer reads while writing. The print
/// shop's files and the county summary are made by `build`.
pub const OUTPUTS: [&str; 2] = ["book", "form"];

/// What `watch --slides` rebuilds: the 答辩 deck alone.
pub const SLIDES_OUTPUTS: [&str; 1] = ["slides"];

/// How often files are looked at, and how long a file must stay unchanged
/// before we read it (an editor may save in several writes).
const POLL: Duration = Duration::from_millis(150);
const SETTLE: Duration = Duration::from_millis(100);

/// `describe` words a renderer's note (the deck's talk time) for the
/// writer: the front end's sentence, not the library's.
pub fn watch(
    engine: &Engine,
    input: &Path,
    describe: &dyn Fn(&crate::outputs::Note) -> String,
) -> ExitCode {
    println!("正在监视 {}（按 Ctrl+C 结束）", pipeline::display(input));
    loop {
        let started = Instant::now();
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let report = pipeline::build(engine, input, &mut sources, &mut diags);
        sources.emit(&diags, std::env::var_os("NO_COLOR").is_none());
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let ms = started.elapsed().as_millis();
        match &report {
            Some(r) if errors == 0 => {
                let pages: Vec<String> = r
                    .files
                    .iter()
                    .map(|(p, n)| format!("{} {n} 页", file_name(p)))
                    .collect();
                println!(
                    "[{ms} ms] 已更新 {}：{}",
                    pipeline::display(&r.folder),
                    pages.join("，")
                );
                for note in &r.notes {
                    println!("  {}", describe(note));
                }
            }
            _ => println!("[{ms} ms] 有 {errors} 个错误，PDF 保持上一版不变"),
        }
        // Keep recent cache entries: the next edit usually touches one paragraph.
        comemo::evict(10);

        let mut deps: Vec<PathBuf> = (0..sources.len())
            .map(|i| sources.path(i).to_path_buf())
            .collect();
        if let Some(r) = &report {
            deps.extend(r.dependencies.iter().cloned());
        }
        deps.push(input.to_path_buf());
        // The writer's deck, also before it exists (`slides --init` or a
        // new file starts to count the moment it is saved).
        if engine.config.wants(&crate::outputs::slides::SLIDES, None)
            && let Some(dir) = input.parent()
        {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            deps.push(dir.join(crate::material::slides::FILE));
        }
        deps.sort();
        deps.dedup();
        wait_for_change(&deps);
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stamp(paths: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

/// Blocks until one of `paths` changes and then stays unchanged for a moment.
fn wait_for_change(paths: &[PathBuf]) {
    let before = stamp(paths);
    loop {
        std::thread::sleep(POLL);
        let now = stamp(paths);
        if now != before {
            // Let a half-saved file finish.
            let mut last = now;
            loop {
                std::thread::sleep(SETTLE);
                let again = stamp(paths);
                if again == last {
                    return;
                }
                last = again;
            }
        }
    }
}
