//! Many materials in one run: built side by side on every core with the
//! fonts shared, after the materials that would write one folder are found
//! and left out (`OUT-COLLISION`). The outcome of each, in input order, is
//! for the caller to report.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Sources};
use crate::material;
use crate::outputs::write;
use crate::pipeline::{self, BuildConfig, BuildReport, Engine, display};
use crate::source::yaml::yaml_span;

/// What became of one material of the run.
pub struct Outcome {
    pub input: PathBuf,
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
    pub report: Option<BuildReport>,
}

/// Builds `inputs` on `jobs` threads (the number of cores by default).
pub fn build_all(engine: &Engine, inputs: &[PathBuf], jobs: Option<usize>) -> Vec<Outcome> {
    let threads = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, inputs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Outcome>>> =
        inputs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    // Two materials writing one folder: neither is built (OUT-COLLISION).
    if inputs.len() > 1 {
        for (i, sources, diags) in collisions(&engine.config, inputs) {
            *slots[i].lock().expect("poisoned") = Some(Outcome {
                input: inputs[i].clone(),
                sources,
                diags,
                report: None,
            });
        }
    }
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    if slots[i].lock().expect("poisoned").is_some() {
                        continue;
                    }
                    *slots[i].lock().expect("poisoned") = Some(build_one(engine, input));
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|s| s.into_inner().expect("poisoned"))
        .collect()
}

fn build_one(engine: &Engine, input: &Path) -> Outcome {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let report = pipeline::build(engine, input, &mut sources, &mut diags);
    // Materials of a batch share little: keep the cache small so memory
    // stays flat over hundreds of them.
    comemo::evict(2);
    Outcome {
        input: input.to_path_buf(),
        sources,
        diags,
        report,
    }
}

/// Materials of a batch that would write the same folder: the same company
/// twice, or names that become one folder name once the characters Windows
/// forbids are replaced (Windows does not tell upper from lower case either).
/// Found before anything is built, so neither is written and the survivor
/// does not depend on which finished last. Returns, for each such material,
/// its index in `inputs` and its sources and `OUT-COLLISION` error.
pub fn collisions(
    config: &BuildConfig,
    inputs: &[PathBuf],
) -> Vec<(usize, Sources, Vec<Diagnostic>)> {
    struct Seen {
        index: usize,
        company: String,
        folder: String,
        sources: Sources,
        span: crate::diag::Span,
        canonical: Option<PathBuf>,
    }
    let mut groups: Vec<(String, Vec<Seen>)> = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        // Unreadable materials fail on their own in the build.
        let mut sources = Sources::default();
        let mut ignored = Vec::new();
        let Some(loaded) = material::read::load(input, &mut sources, &mut ignored) else {
            continue;
        };
        let name = &loaded.material.company.name;
        let company = name.value.trim().to_string();
        let (folder, _) = write::folder_name(&company);
        let span = yaml_span(&sources, loaded.file, &name.referenced);
        let canonical = sources.path(loaded.file).canonicalize().ok();
        let seen = Seen {
            index,
            company,
            folder: folder.clone(),
            sources,
            span,
            canonical,
        };
        let key = folder.to_lowercase();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(seen),
            None => groups.push((key, vec![seen])),
        }
    }
    let mut out = Vec::new();
    for (_, members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
        let names: Vec<(String, Option<PathBuf>)> = members
            .iter()
            .map(|m| (display(&inputs[m.index]), m.canonical.clone()))
            .collect();
        for m in members {
            let folder = display(&config.out_dir.join(&m.folder));
            let others: Vec<&str> = names
                .iter()
                .filter(|(n, _)| *n != display(&inputs[m.index]))
                .map(|(n, _)| n.as_str())
                .collect();
            let twice = names
                .iter()
                .filter(|(_, c)| c.is_some() && *c == m.canonical)
                .count()
                > 1;
            let d = if twice {
                Diagnostic::error(
                    Code::OutputCollision,
                    format!("这份材料在命令里写了不止一次，都会写到同一个文件夹 {folder}"),
                )
                .help("每份材料只写一次；这份材料没有生成")
            } else {
                Diagnostic::error(
                    Code::OutputCollision,
                    format!(
                        "企业“{}”与 {} 会写到同一个文件夹 {folder}，两份材料都没有生成",
                        m.company,
                        others.join("、")
                    ),
                )
                .help("同一个企业只保留一份材料；若是不同的企业，核对企业全称（文件夹名里 / \\ : * ? \" < > | 会换成 _，且不区分大小写），或分两次用不同的 -o 生成")
            };
            out.push((m.index, m.sources, vec![d.at(m.span)]));
        }
    }
    out
}
