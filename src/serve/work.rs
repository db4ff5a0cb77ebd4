//! The engine worker: a long-lived child process (`shenbao serve-worker`)
//! that checks, previews and builds materials for the server, one request
//! per line on its standard input, one answer per line on its output.
//!
//! It holds one [`Engine`] for its whole life: fonts loaded once, Typst's
//! caches (comemo) and the engine's last documents kept between requests,
//! so a preview after a one-paragraph edit lays out only what changed and
//! draws only the pages that changed. It is a process, not a thread,
//! because Typst cannot be interrupted inside a compile: the server kills a
//! worker whose request passes its deadline (`pool`) and starts another.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::check::lengths;
use crate::diag::{Code, Diagnostic, Severity, Sources};
use crate::material::county::Opinion;
use crate::pipeline::{self, Engine};
use crate::preview;

/// What a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every rule, nothing typeset.
    Check,
    /// The check and the pages of 封面, 申报表 and 正文 as images.
    Preview,
    /// The check and every file `shenbao build` writes.
    Build,
    /// The check and the 答辩 deck (`shenbao slides`: 答辩.pdf, 答辩.pptx).
    Slides,
    /// A county's 汇总表 (`shenbao summary` on a county folder): `dir`
    /// holds one folder per material, in the order they are listed.
    Summary,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    /// The material's folder.
    pub dir: PathBuf,
    /// Where a build writes the enterprise's folder.
    pub out: PathBuf,
    pub mode: Mode,
    pub opinion: Option<Opinion>,
    /// Where page images go, named by their hash (`<sha256>.png`).
    pub pages: PathBuf,
    pub pixel_per_pt: f32,
    /// The county a 汇总表 is headed with ([`Mode::Summary`]).
    #[serde(default)]
    pub county: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

/// What `shenbao check` says of a version, as the API returns it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Checked {
    pub version: i64,
    /// Diagnostic objects exactly as `--format json` prints them, with
    /// file paths relative to the material's folder.
    pub diagnostics: Vec<serde_json::Value>,
    pub counts: Counts,
    /// 字数 of the title and each part against its limit (V1, V2).
    pub lengths: Vec<serde_json::Value>,
    /// Each picture the parts place: `{file, number, width_mm, dpi}`, its
    /// printed width and resolution there (V3's numbers).
    pub figures: Vec<serde_json::Value>,
    /// What the offices' table shows of the material: 标杆名称, contact.
    pub title: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
    /// The material's profile's deadline (`2023-03-29`), when it was read.
    pub deadline: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Answer {
    pub checked: Checked,
    /// Typeset as a draft (every page marked 草稿) because of content
    /// errors.
    pub draft: bool,
    /// The pages, for [`Mode::Preview`].
    pub preview: Option<Vec<preview::Document>>,
    /// The enterprise's folder a build wrote, below the request's `out`.
    pub folder: Option<String>,
    /// Pages of each file written, by its path in that folder.
    pub pages: BTreeMap<String, usize>,
    /// What a build reports besides its files, as `build --format json`
    /// carries it: `{fonts, fallbacks, binding, attachments, notes}`.
    pub report: Option<serde_json::Value>,
}

/// The engine's options in a worker (each request sets where a build
/// writes and whether it is a draft).
pub fn config() -> pipeline::BuildConfig {
    pipeline::BuildConfig {
        // The server keeps what it needs in memory and in its database: a
        // lost build folder is built again.
        durable: false,
        ..pipeline::BuildConfig::new(PathBuf::new())
    }
}

/// The worker's loop: answers requests until its input closes.
pub fn serve(engine: &Engine) -> std::process::ExitCode {
    super::memory::return_large_blocks();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match serde_json::from_str::<Request>(&line) {
            Ok(request) => answer(engine, &request),
            Err(e) => failed(format!("服务器内部请求有误：{e}")),
        };
        let Ok(json) = serde_json::to_string(&answer) else {
            break;
        };
        if writeln!(out, "{json}").and_then(|_| out.flush()).is_err() {
            break;
        }
        // Keep what the last requests used: the next edit usually touches
        // one paragraph of one of the few materials this worker serves.
        comemo::evict(30);
    }
    std::process::ExitCode::SUCCESS
}

/// A county's 汇总表, made as `shenbao summary` makes it, into `r.out`.
/// In a worker like every other layout, so that a material that lays out
/// without end (one enormous table cell) ends at the deadline here too.
fn summary(base: &Engine, r: &Request) -> Answer {
    // The numbered folders, in order: as `shenbao summary` finds them.
    let folders = crate::batch::county_materials(&r.dir).unwrap_or_default();
    let outcomes: Vec<crate::batch::Outcome> = folders
        .into_iter()
        .map(|folder| {
            let mut sources = Sources::default();
            let mut diags = Vec::new();
            let prepared = pipeline::prepare(base, &folder, &mut sources, &mut diags);
            crate::batch::Outcome {
                input: folder,
                sources,
                diags,
                prepared,
                report: None,
            }
        })
        .collect();
    let engine = base.writing_to(r.out.clone(), false);
    let options = crate::batch::CountyOptions {
        county: r.county.clone(),
        contact: None,
        phone: None,
    };
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let report = crate::batch::summarize(
        &engine,
        &r.dir,
        &outcomes,
        &options,
        &mut sources,
        &mut diags,
    );
    // The materials' own problems were the lists' to show; only what
    // stopped the 汇总表 is said.
    let mut answer = with(&sources, if report.is_none() { &diags } else { &[] });
    if let Some(report) = report {
        for (path, pages) in report.files {
            if let Some(name) = path.file_name() {
                answer
                    .pages
                    .insert(name.to_string_lossy().into_owned(), pages.unwrap_or(0));
            }
        }
    }
    answer
}

/// An answer that says the server could not do the work.
pub fn failed(message: String) -> Answer {
    let d = Diagnostic::error(Code::Output, message).help("请稍后再试；若一直如此，请联系管理员");
    only(&d)
}

/// An answer holding one diagnostic and nothing else.
pub fn only(d: &Diagnostic) -> Answer {
    with(&Sources::default(), std::slice::from_ref(d))
}

/// An answer holding `diags` (of `sources`) and nothing else.
fn with(sources: &Sources, diags: &[Diagnostic]) -> Answer {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    Answer {
        checked: Checked {
            version: 0,
            diagnostics: diags.iter().map(|d| sources.to_json(d)).collect(),
            counts: Counts {
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
            },
            lengths: Vec::new(),
            figures: Vec::new(),
            title: None,
            contact: None,
            phone: None,
            deadline: None,
        },
        draft: false,
        preview: None,
        folder: None,
        pages: BTreeMap::new(),
        report: None,
    }
}

fn answer(base: &Engine, r: &Request) -> Answer {
    if r.mode == Mode::Summary {
        return summary(base, r);
    }
    let src = &r.dir;
    let timing = crate::timing::Timing::start();
    // The deck is read (slides.md) and rendered only when asked for.
    let mut reading = base.writing_to(r.out.clone(), false);
    if r.mode == Mode::Slides {
        use crate::outputs::Renderer;
        reading.config.outputs = Some(vec![crate::outputs::slides::SLIDES.id().into()]);
    }
    let mut sources = Sources::default();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let has_material = ["material.yaml", "material.yml", "material.md"]
        .iter()
        .any(|f| src.join(f).is_file());
    let prepared = if has_material {
        pipeline::prepare(&reading, src, &mut sources, &mut diags)
    } else {
        // An empty material, or files without the material itself.
        diags.push(
            Diagnostic::error(
                Code::FileMissing,
                "还没有材料文件（material.md 或 material.yaml）",
            )
            .help("新建 material.md，或导入 Word 稿，或上传用 shenbao init 建好的材料文件夹"),
        );
        None
    };
    timing.lap("worker prepare");
    let lengths_json = prepared
        .as_ref()
        .map(|p| {
            lengths(&p.loaded, &p.parts, &p.profile.limits)
                .iter()
                .map(|l| l.json())
                .collect()
        })
        .unwrap_or_default();
    let figures = prepared.as_ref().map(figures).unwrap_or_default();
    let material = prepared.as_ref().map(|p| &p.loaded.material);
    let title = material.map(|m| m.benchmark.title.value.trim().to_string());
    let contact = material.map(|m| m.contact.name.value.trim().to_string());
    let phone = material.map(|m| m.contact.phone.value.0.clone());
    let deadline = prepared.as_ref().map(|p| p.profile.deadline.clone());
    let mut draft = false;
    let mut shown = None;
    let mut folder = None;
    let mut pages = BTreeMap::new();
    let mut built_report = None;
    if let Some(p) = &prepared
        && r.mode != Mode::Check
        && !diags.iter().any(Diagnostic::blocks_draft)
    {
        // With content errors the pages are still shown, marked 草稿.
        draft = diags.iter().any(|d| d.severity == Severity::Error);
        let mut engine = reading.writing_to(r.out.clone(), draft);
        engine.config.opinion = r.opinion.clone();
        match r.mode {
            Mode::Preview => {
                if let Some(preview) = preview::preview(&engine, p, &mut diags) {
                    for d in &preview.documents {
                        if let Some(file) = &d.file {
                            pages.insert(file.clone(), d.pages.len());
                        }
                    }
                    pages.insert(crate::outputs::BOOK_FILE.to_string(), preview.book_pages);
                    timing.lap("worker preview");
                    match draw(&preview, &r.pages, r.pixel_per_pt) {
                        Ok(()) => shown = Some(preview.documents),
                        Err(d) => diags.push(d),
                    }
                }
            }
            Mode::Build | Mode::Slides => {
                if let Some(report) = pipeline::render(&engine, p, &sources, &mut diags) {
                    built_report = Some(serde_json::json!({
                        "fonts": report.fonts,
                        "fallbacks": report.fallbacks,
                        "binding": report.binding,
                        "attachments": report.attachments,
                        "notes": report.notes,
                    }));
                    folder = report
                        .folder
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned());
                    for (path, n) in &report.files {
                        if let Ok(rel) = path.strip_prefix(&report.folder) {
                            let rel = rel
                                .components()
                                .map(|c| c.as_os_str().to_string_lossy())
                                .collect::<Vec<_>>()
                                .join("/");
                            pages.insert(rel, *n);
                        }
                    }
                }
            }
            // Answered by `summary` before.
            Mode::Check | Mode::Summary => {}
        }
    }
    timing.lap("worker rest");
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    Answer {
        checked: Checked {
            version: 0,
            diagnostics: diags
                .iter()
                .map(|d| relative(sources.to_json(d), src))
                .collect(),
            counts: Counts {
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
            },
            lengths: lengths_json,
            figures,
            title,
            contact,
            phone,
            deadline,
        },
        draft,
        preview: shown,
        folder,
        pages,
        report: built_report,
    }
}

/// The pictures of a prepared material, where and how sharp they print.
fn figures(p: &crate::document::Prepared) -> Vec<serde_json::Value> {
    use crate::document::Block;
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
        for b in blocks {
            match b {
                Block::Figure { .. } => out.push(b),
                Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Block::Quote { blocks } => walk(blocks, out),
                _ => {}
            }
        }
    }
    let mut all = Vec::new();
    for (_, blocks) in &p.parts {
        walk(blocks, &mut all);
    }
    let root = &p.loaded.root;
    all.into_iter()
        .filter_map(|b| match b {
            Block::Figure {
                number,
                src,
                px_width,
                px_height,
                dpi,
                width,
                ..
            } => {
                let file = root
                    .resolve(&src.base, &src.dest)
                    .ok()
                    .and_then(|real| root.relative(&real))?;
                let (w, printed) =
                    crate::check::figures::printed(&p.profile, *px_width, *px_height, *dpi, *width);
                Some(serde_json::json!({
                    "file": file,
                    "number": number,
                    "width_mm": (w / 72.0 * 25.4 * 10.0).round() / 10.0,
                    "dpi": printed.floor(),
                }))
            }
            _ => None,
        })
        .collect()
}

/// The image of every page not drawn yet, into `dir` as `<sha256>.png`:
/// after an edit, only the pages that changed. Two at a time (the
/// machine's cores); each written whole before it gets its name.
fn draw(p: &preview::Preview, dir: &Path, pixel_per_pt: f32) -> Result<(), Diagnostic> {
    let todo: Vec<&preview::Page> = p
        .pages()
        .filter(|page| !dir.join(format!("{}.png", page.sha256)).is_file())
        .collect();
    let fail = |e: String| Diagnostic::error(Code::Output, format!("无法生成预览图：{e}"));
    std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = todo.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|pages| {
                s.spawn(move || -> Result<(), String> {
                    for page in pages {
                        let png = p.png(page.index, pixel_per_pt)?;
                        let target = dir.join(format!("{}.png", page.sha256));
                        let mut tmp =
                            tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
                        tmp.write_all(&png).map_err(|e| e.to_string())?;
                        tmp.persist(&target).map_err(|e| e.to_string())?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "内部错误".to_string())??;
        }
        Ok(())
    })
    .map_err(fail)
}

/// A diagnostic's file as the writer knows it: relative to the material's
/// folder, never the server's working path.
pub fn relative(mut v: serde_json::Value, src: &Path) -> serde_json::Value {
    if let Some(file) = v.get("file").and_then(|f| f.as_str()) {
        let base = src.to_string_lossy().into_owned();
        let rel = file
            .strip_prefix(&base)
            .map(|r| r.trim_start_matches(['/', '\\']).to_string())
            .or_else(|| {
                // `display_path` may have made it relative to the current
                // folder: keep what follows the material's folder name.
                file.split_once("材料/").map(|(_, r)| r.to_string())
            })
            .unwrap_or_else(|| file.to_string());
        v["file"] = rel.into();
    }
    v
}
