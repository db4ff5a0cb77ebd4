//! Many materials in one run: built side by side on every core with the
//! fonts shared, after the materials that would write one folder are found
//! and left out (`OUT-COLLISION`). The outcome of each, in input order, is
//! for the caller to report. A county's folder (one sub-folder per
//! enterprise, as the notice's electronic submission is laid out) is a run
//! of its own, and gets its 汇总表 (`summarize`).

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Sources};
use crate::document::Prepared;
use crate::material::{self, county};
use crate::outputs::{self, Input, RunJob, Scope, write};
use crate::pipeline::{self, BuildConfig, BuildReport, Engine, display};
use crate::source::jail::Confined;
use crate::source::yaml::yaml_span;

/// What became of one material of the run.
pub struct Outcome {
    pub input: PathBuf,
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
    /// The material read and checked, when it could be (even with content
    /// errors: the 汇总表 still lists it).
    pub prepared: Option<Prepared>,
    pub report: Option<BuildReport>,
}

impl Outcome {
    pub fn errors(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .count()
    }
}

/// The materials of a county's folder: its sub-folders that hold a material
/// file, in the order of their names (the 汇总表's order). `None` when `dir`
/// is not such a folder (it is a material's own folder, or not a folder).
pub fn county_materials(dir: &Path) -> Option<Vec<PathBuf>> {
    let has_material = |d: &Path| {
        ["material.yaml", "material.yml", "material.md"]
            .iter()
            .any(|n| d.join(n).is_file())
    };
    if !dir.is_dir() || has_material(dir) {
        return None;
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && has_material(p))
        .collect();
    subs.sort();
    (!subs.is_empty()).then_some(subs)
}

/// Builds `inputs` on `jobs` threads (the number of cores by default); with
/// `render` false, only reads and checks them (`shenbao summary`).
pub fn build_all(
    engine: &Engine,
    inputs: &[PathBuf],
    jobs: Option<usize>,
    render: bool,
) -> Vec<Outcome> {
    let threads = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, inputs.len().max(1));
    let slots: Vec<std::sync::Mutex<Option<Outcome>>> =
        inputs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    // Two materials writing one folder: neither is built (OUT-COLLISION).
    if inputs.len() > 1 {
        for (i, sources, diags) in collisions(&engine.config, inputs) {
            *slots[i].lock().expect("poisoned") = Some(Outcome {
                input: inputs[i].clone(),
                sources,
                diags,
                prepared: None,
                report: None,
            });
        }
    }
    crate::parallel::each(inputs, threads, |i, input| {
        if slots[i].lock().expect("poisoned").is_some() {
            return;
        }
        *slots[i].lock().expect("poisoned") = Some(build_one(engine, input, render));
    });
    slots
        .into_iter()
        .filter_map(|s| s.into_inner().expect("poisoned"))
        .collect()
}

fn build_one(engine: &Engine, input: &Path, render: bool) -> Outcome {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    if render {
        engine.warm();
    }
    let prepared = pipeline::prepare(engine, input, &mut sources, &mut diags);
    let report = match &prepared {
        Some(p) if render => pipeline::render(engine, p, &sources, &mut diags),
        _ => None,
    };
    // Materials of a batch share little: keep the cache small so memory
    // stays flat over hundreds of them.
    comemo::evict(2);
    Outcome {
        input: input.to_path_buf(),
        sources,
        diags,
        prepared,
        report,
    }
}

/// What `summarize` wrote.
pub struct SummaryReport {
    pub files: Vec<(PathBuf, Option<usize>)>,
    /// How many enterprises the 汇总表 lists.
    pub rows: usize,
}

/// County details given on the command line; each overrides `county.yaml`.
#[derive(Clone, Debug, Default)]
pub struct CountyOptions {
    pub county: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
}

/// Writes the run's 汇总表 (and any other [`Scope::Run`] output) into the
/// output folder for the county folder `dir`. Materials that could not be
/// read are left out; those with content errors are listed. All must share
/// one profile, whose year and region the title names.
pub fn summarize(
    engine: &Engine,
    dir: &Path,
    outcomes: &[Outcome],
    options: &CountyOptions,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<SummaryReport> {
    let county = county::load(dir, sources, diags)?;
    let mut lines = county.lines();
    for (from, to) in [
        (&options.county, &mut lines.county),
        (&options.contact, &mut lines.contact),
        (&options.phone, &mut lines.phone),
    ] {
        if let Some(v) = from {
            *to = v.trim().to_string();
        }
    }
    let materials: Vec<(&Prepared, bool)> = outcomes
        .iter()
        .filter_map(|o| o.prepared.as_ref().map(|p| (p, o.errors() > 0)))
        .collect();
    let profiles: Vec<&str> = materials
        .iter()
        .map(|(p, _)| p.profile.name.as_str())
        .collect();
    if let Some(other) = profiles.iter().find(|n| **n != profiles[0]) {
        diags.push(
            Diagnostic::error(
                Code::Summary,
                format!(
                    "这些材料用了不同的配置（{} 和 {other}），不能列入同一张汇总表",
                    profiles[0]
                ),
            )
            .in_file(dir)
            .help("同一个县区的材料应按同一个通知填写：把各材料的 profile 改成一样"),
        );
        return None;
    }
    let root = match Confined::new(dir) {
        Ok(r) => r,
        Err(e) => {
            diags.push(crate::source::decode::io_error(dir, &e));
            return None;
        }
    };
    let run = RunJob {
        templates: &engine.templates,
        materials,
        county: lines,
        root,
        timestamp: pipeline::source_date_epoch(),
    };
    let mut products = Vec::new();
    for renderer in outputs::renderers() {
        if renderer.scope() != Scope::Run || !engine.config.wants(renderer, None) {
            continue;
        }
        match renderer.render(Input::Run(&run)) {
            Ok((files, warnings)) => {
                diags.extend(warnings);
                products.extend(files);
            }
            Err(errors) => {
                diags.extend(errors);
                return None;
            }
        }
    }
    let inputs: Vec<PathBuf> = outcomes.iter().map(|o| o.input.clone()).collect();
    let files: Vec<(&str, &[u8])> = products
        .iter()
        .map(|p| (p.name.as_str(), p.bytes.as_slice()))
        .collect();
    match write::write_all(
        &engine.config.out_dir,
        &files,
        &inputs,
        engine.config.durable,
    ) {
        Ok(written) => Some(SummaryReport {
            files: written
                .into_iter()
                .zip(products.iter().map(|p| p.pages))
                .collect(),
            rows: run.materials.len(),
        }),
        Err(d) => {
            diags.push(d);
            None
        }
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
