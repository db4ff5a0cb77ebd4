//! `shenbao build`: read → check → render data → compile → write.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::compile;
use crate::diag::{Code, Diagnostic, Sources};
use crate::fonts::{FontError, Fonts};
use crate::markdown::{self, Counters, Ctx};
use crate::material::{self, Loaded, PartKind};
use crate::output;
use crate::profile::{self, Profile};
use crate::render::{self, BodyData, CoverData, Date, Meta, PartData, RenderData};
use crate::templates::Templates;
use crate::world::ShenbaoWorld;

/// Everything `build` needs, parsed once from the command line.
#[derive(Clone, Debug)]
pub struct BuildConfig {
    pub out_dir: PathBuf,
    pub templates: Option<PathBuf>,
    pub font_paths: Vec<PathBuf>,
    pub system_fonts: bool,
    /// Write PDFs despite content-rule errors, marked 草稿 on every page.
    pub draft: bool,
    /// Also write the exact Typst sources and data compiled, so `typst
    /// compile` can do the same work (benchmarks, template debugging).
    pub emit_typst: Option<PathBuf>,
    /// Flush PDFs to disk before replacing the old ones (off in `watch`).
    pub durable: bool,
}

/// A configuration and what is shared by every material built with it: the
/// fonts, loaded once (lazily) for a whole batch or watch session.
pub struct Engine {
    pub config: BuildConfig,
    fonts: OnceLock<Result<Arc<Fonts>, Vec<PathBuf>>>,
}

impl Engine {
    pub fn new(config: BuildConfig) -> Self {
        Self {
            config,
            fonts: OnceLock::new(),
        }
    }

    pub fn fonts(&self) -> Result<Arc<Fonts>, Diagnostic> {
        let loaded = self.fonts.get_or_init(|| {
            match Fonts::load(&self.config.font_paths, self.config.system_fonts) {
                Ok(f) => Ok(Arc::new(f)),
                Err(FontError::NoBundled(tried)) => Err(tried),
            }
        });
        loaded.clone().map_err(|tried| {
            Diagnostic::error(Code::Output, "找不到随附的替代字体（fonts/ 文件夹）").help(format!(
                "把 shenbao 附带的 fonts 文件夹放在程序旁边，或设置环境变量 SHENBAO_FONTS；已查找：{}",
                tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("，")
            ))
        })
    }
}

/// What a successful build wrote.
pub struct BuildReport {
    pub folder: PathBuf,
    pub files: Vec<(PathBuf, usize)>,
    pub fonts: Vec<String>,
    /// Characters a later font of a role's chain printed (F3 report).
    pub fallbacks: Vec<crate::fonts::Fallback>,
    /// Files the build read besides the text sources (images), for `watch`.
    pub dependencies: Vec<PathBuf>,
}

/// A material read and checked, ready to render.
pub struct Prepared {
    pub loaded: Loaded,
    pub profile: Profile,
    pub fonts: Arc<Fonts>,
    pub parts: Vec<(PartKind, Vec<markdown::Block>)>,
    pub date: Date,
}

/// Reads and checks a material; every problem found goes into `diags`.
/// Returns `None` when an error stops the run.
pub fn prepare(
    engine: &Engine,
    input: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Prepared> {
    let config = &engine.config;
    let loaded = material::read::load(input, sources, diags)?;
    let templates = Templates::new(config.templates.clone());
    let m = &loaded.material;
    let profile_name = m
        .profile
        .as_ref()
        .map_or(profile::DEFAULT, |p| p.value.trim());
    let profile = match Profile::load(profile_name, &templates, sources) {
        Ok(p) => Some(p),
        Err(d) => {
            let span = m
                .profile
                .as_ref()
                .map(|p| material::read::yaml_span(sources, loaded.file, &p.referenced));
            diags.push(match (d.span.is_none(), span) {
                (true, Some(s)) => d.at(s),
                _ => d,
            });
            None
        }
    };
    if let Some(schema) = &m.schema
        && schema.value != 1
    {
        diags.push(
            Diagnostic::error(
                Code::BadValue,
                format!("不支持的 schema 版本 {}", schema.value),
            )
            .at(material::read::yaml_span(
                sources,
                loaded.file,
                &schema.referenced,
            ))
            .help("本版本 shenbao 只支持 schema: 1"),
        );
    }
    let date = Date::parse(&m.date.value);
    if date.is_none() {
        diags.push(
            Diagnostic::error(
                Code::BadValue,
                format!("申报日期“{}”不是有效日期", m.date.value),
            )
            .at(material::read::yaml_span(
                sources,
                loaded.file,
                &m.date.referenced,
            ))
            .help("写成 2023-03-20 的形式（年-月-日）"),
        );
    }
    for path in &config.font_paths {
        if !path.exists() {
            diags.push(
                Diagnostic::warning(
                    Code::FileMissing,
                    "--font-path 指定的字体文件或文件夹不存在，已忽略",
                )
                .in_file(path)
                .help("检查路径；例如 Windows 的字体在 C:\\Windows\\Fonts"),
            );
        }
    }
    let fonts = match engine.fonts() {
        Ok(f) => Some(f),
        Err(d) => {
            diags.push(d);
            None
        }
    };

    let mut counters = Counters::default();
    let mut parts = Vec::new();
    for part in &loaded.parts {
        let mut ctx = Ctx {
            sources,
            root: &loaded.root,
            counters: &mut counters,
            diags,
            max_image_px: 30_000,
        };
        let mut blocks = markdown::parse_part(part, &mut ctx);
        render::settle_alignments(&mut blocks);
        render::allow_breaks(&mut blocks);
        if let Some(profile) = &profile {
            render::place_figures(&mut blocks, profile, diags);
        }
        if blocks.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::MissingKey,
                    format!("“{}”部分是空的", part.kind.title()),
                )
                .at(part.origin.span(sources, &part.text, 0..0))
                .help("请填写这一部分的内容"),
            );
        }
        parts.push((part.kind, blocks));
    }

    if let Some(fonts) = &fonts {
        crate::check::glyphs::check(&loaded, fonts, sources, diags);
        crate::check::glyphs::check_templates(&templates, profile_name, fonts, sources, diags);
    }
    if let Some(profile) = &profile {
        crate::check::Checker {
            loaded: &loaded,
            profile,
            parts: &parts,
            sources,
        }
        .run(diags);
    }
    if diags.iter().any(Diagnostic::blocks_draft) {
        return None;
    }
    Some(Prepared {
        loaded,
        profile: profile?,
        fonts: fonts?,
        parts,
        date: date?,
    })
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds way to ask for a date in
/// the PDF; without it the PDF has none and bytes depend only on the input.
pub fn source_date_epoch() -> Option<typst_pdf::Timestamp> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let (y, mo, d, h, mi, s) = render::civil_from_epoch(secs);
    let dt = typst::foundations::Datetime::from_ymd_hms(y, mo, d, h, mi, s)?;
    Some(typst_pdf::Timestamp::new_utc(dt))
}

/// The JSON the templates read.
pub fn render_data(p: &Prepared, draft: bool, pdf_date: bool) -> Vec<u8> {
    let m = &p.loaded.material;
    let title = m.benchmark.title.value.trim().to_string();
    let data = RenderData {
        meta: Meta {
            title: title.clone(),
            company: m.company.name.value.trim().to_string(),
            draft,
            pdf_date,
        },
        profile: &p.profile,
        fonts: p.fonts.roles_json(),
        cover: CoverData {
            title_lines: p.profile.title_lines.clone(),
            fields: render::cover_fields(m, p.date),
        },
        body: BodyData {
            title,
            parts: p
                .parts
                .iter()
                .map(|(kind, blocks)| PartData {
                    kind: kind.key(),
                    title: kind.title(),
                    number: render::part_number(*kind),
                    blocks: blocks.clone(),
                })
                .collect(),
        },
    };
    serde_json::to_vec(&data).expect("render data is plain data")
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
        let (folder, _) = output::folder_name(&company);
        let span = material::read::yaml_span(&sources, loaded.file, &name.referenced);
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

/// Builds one material into its folder under `config.out_dir`.
pub fn build(
    engine: &Engine,
    input: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<BuildReport> {
    let config = &engine.config;
    let prepared = prepare(engine, input, sources, diags)?;
    if has_errors(diags) && !config.draft {
        return None;
    }
    let timestamp = source_date_epoch();
    let data = render_data(&prepared, config.draft, timestamp.is_some());
    if let Some(dir) = &config.emit_typst
        && let Err(d) = emit_typst(dir, &data, &prepared, config)
    {
        diags.push(d);
        return None;
    }
    let m = &prepared.loaded.material;
    let company = m.company.name.value.trim().to_string();
    let world = ShenbaoWorld::new(
        Templates::new(config.templates.clone()),
        data,
        prepared.loaded.root.clone(),
        prepared.fonts.clone(),
        (
            prepared.date.year,
            prepared.date.month as u8,
            prepared.date.day as u8,
        ),
    );
    let timing = Timing::start();
    let doc = match compile::compile(&world) {
        Ok((doc, warnings)) => {
            diags.extend(warnings);
            doc
        }
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    timing.lap("compile");
    let pdfs = match compile::export(&doc, &company, timestamp) {
        Ok(p) => p,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    timing.lap("pdf");
    let (name, renamed) = output::folder_name(&company);
    if renamed {
        diags.push(
            Diagnostic::warning(
                Code::Output,
                format!("企业名称含有不能用于文件夹名的字符，文件夹名改为“{name}”"),
            )
            .at(material::read::yaml_span(
                sources,
                prepared.loaded.file,
                &m.company.name.referenced,
            ))
            .help("E1 要求文件夹以企业名称命名；Windows 文件夹名不能含 / \\ : * ? \" < > |"),
        );
    }
    let folder = config.out_dir.join(&name);
    let inputs: Vec<PathBuf> = (0..sources_len(sources))
        .map(|i| sources.path(i).to_path_buf())
        .collect();
    let files: [(&str, &[u8]); 3] = [
        ("封面.pdf", &pdfs.cover),
        ("正文.pdf", &pdfs.body),
        ("申报材料.pdf", &pdfs.book),
    ];
    let written = match output::write_all(&folder, &files, &inputs, config.durable) {
        Ok(w) => w,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let pages = [pdfs.cover_pages, pdfs.body_pages, pdfs.book_pages];
    let mut dependencies = Vec::new();
    for (_, blocks) in &prepared.parts {
        figure_files(blocks, prepared.loaded.root.path(), &mut dependencies);
    }
    Some(BuildReport {
        folder,
        files: written.into_iter().zip(pages).collect(),
        fonts: prepared.fonts.report(),
        fallbacks: crate::check::glyphs::fallbacks(&prepared),
        dependencies,
    })
}

/// Writes the world as files: `shenbao/*.typ`, `data.json` and the images
/// under `material/`, so that `typst compile --root DIR DIR/shenbao/book.typ`
/// compiles exactly what shenbao compiles.
fn emit_typst(
    dir: &Path,
    data: &[u8],
    p: &Prepared,
    config: &BuildConfig,
) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(Code::Output, format!("无法写出 Typst 源文件：{e}")).in_file(dir)
    };
    let templates = Templates::new(config.templates.clone());
    std::fs::create_dir_all(dir.join("shenbao")).map_err(fail)?;
    for name in crate::templates::TYPST_FILES
        .into_iter()
        .chain([crate::templates::ZIHAO_FILE])
    {
        if let Some((_, text)) = templates.text(name) {
            std::fs::write(dir.join("shenbao").join(name), text).map_err(fail)?;
        }
    }
    std::fs::write(dir.join("data.json"), data).map_err(fail)?;
    let mut images = Vec::new();
    for (_, blocks) in &p.parts {
        figure_files(blocks, p.loaded.root.path(), &mut images);
    }
    for image in images {
        if let Some(rel) = p.loaded.root.relative(&image) {
            let target = dir.join("material").join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(fail)?;
            }
            std::fs::copy(&image, &target).map_err(fail)?;
        }
    }
    Ok(())
}

/// Stage times on stderr when `SHENBAO_TIMING` is set (for benchmarks).
struct Timing(Option<std::cell::Cell<std::time::Instant>>);

impl Timing {
    fn start() -> Self {
        Timing(
            std::env::var_os("SHENBAO_TIMING")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    fn lap(&self, what: &str) {
        if let Some(t) = &self.0 {
            eprintln!(
                "timing {what}: {:.1} ms",
                t.get().elapsed().as_secs_f64() * 1000.0
            );
            t.set(std::time::Instant::now());
        }
    }
}

fn figure_files(blocks: &[markdown::Block], root: &Path, out: &mut Vec<PathBuf>) {
    for b in blocks {
        match b {
            markdown::Block::Figure { path, .. } => {
                if let Some(rel) = path.strip_prefix("/material/") {
                    out.push(root.join(rel));
                }
            }
            markdown::Block::List { items, .. } => {
                items.iter().for_each(|it| figure_files(it, root, out))
            }
            markdown::Block::Quote { blocks } => figure_files(blocks, root, out),
            _ => {}
        }
    }
}

fn sources_len(sources: &Sources) -> usize {
    sources.len()
}

pub fn display(path: &Path) -> String {
    crate::diag::display_path(path)
}
