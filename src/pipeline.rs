//! One material through every layer: source → material → document
//! (Markdown, no file IO) → assets → layout → check → typeset → outputs.
//! `prepare` stops before typesetting (`check` and `count` use it); `build`
//! runs the renderers and writes their files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::assets;
use crate::check;
use crate::diag::{Code, Diagnostic, Sources};
use crate::document::Prepared;
use crate::document::{Block, Counters};
use crate::layout;
use crate::markdown::{self, Ctx};
use crate::material::{self, Date, PartKind};
use crate::outputs::{self, Job, Scope, data, write};
use crate::profile::{self, Profile};
use crate::resources::fonts::{FontError, Fonts};
use crate::resources::templates::Templates;
use crate::source::yaml::yaml_span;

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
    /// The paper the book is printed on (spine width, 书脊.pdf).
    pub print: outputs::binding::PrintOptions,
    /// The renderers to run, by id (`book`, `form`, `summary`); all when
    /// `None`.
    pub outputs: Option<Vec<String>>,
    /// The 答辩 deck's options (`shenbao slides`).
    pub slides: outputs::slides::SlidesOptions,
    /// The county's 推荐意见 for the 申报表 (the server's offices).
    pub opinion: Option<crate::material::county::Opinion>,
}

impl BuildConfig {
    /// A build into `out_dir` with everything else as `shenbao build` has
    /// it without options: the built-in templates, the system fonts, every
    /// default output, files flushed before they replace the old ones.
    pub fn new(out_dir: PathBuf) -> BuildConfig {
        BuildConfig {
            out_dir,
            templates: None,
            font_paths: Vec::new(),
            system_fonts: true,
            draft: false,
            emit_typst: None,
            durable: true,
            outputs: None,
            print: Default::default(),
            slides: Default::default(),
            opinion: None,
        }
    }

    /// Whether `renderer` runs: named in `--outputs`, or else by default
    /// for a material of `profile` (which may turn the Word files on).
    pub fn wants(&self, renderer: &dyn outputs::Renderer, profile: Option<&Profile>) -> bool {
        match &self.outputs {
            Some(ids) => ids.iter().any(|id| id == renderer.id()),
            None => renderer.by_default(profile),
        }
    }
}

/// A configuration and what is shared by every material built with it: the
/// fonts, loaded once (lazily) for a whole batch or watch session.
pub struct Engine {
    pub config: BuildConfig,
    /// The templates, shared so that the override files read are known.
    pub templates: Templates,
    fonts: OnceLock<Result<Arc<Fonts>, Vec<PathBuf>>>,
    /// The last Typst documents compiled, with Typst's own caches (comemo,
    /// process-wide) what makes a rebuild after an edit incremental.
    pub documents: Arc<outputs::typst::Documents>,
    /// Each material's page hashes at its last preview, by its folder.
    previewed: Arc<std::sync::Mutex<std::collections::HashMap<PathBuf, Vec<String>>>>,
}

impl Engine {
    pub fn new(config: BuildConfig) -> Self {
        Self {
            templates: Templates::new(config.templates.clone()),
            config,
            fonts: OnceLock::new(),
            documents: Arc::default(),
            previewed: Arc::default(),
        }
    }

    /// The same engine writing into `out_dir` (and as a draft or not),
    /// sharing the fonts already loaded: the server builds each version in
    /// its own folder without loading fonts again.
    pub fn writing_to(&self, out_dir: PathBuf, draft: bool) -> Engine {
        Engine {
            config: BuildConfig {
                out_dir,
                draft,
                ..self.config.clone()
            },
            templates: self.templates.clone(),
            fonts: self.fonts.clone(),
            documents: self.documents.clone(),
            previewed: self.previewed.clone(),
        }
    }

    /// A renderer's job for `prepared`, with this engine's options.
    pub fn job<'a>(
        &'a self,
        prepared: &'a Prepared,
        data: &'a [u8],
        timestamp: Option<typst_pdf::Timestamp>,
        earlier: &'a [outputs::Product],
    ) -> Job<'a> {
        Job {
            templates: &self.templates,
            prepared,
            data,
            draft: self.config.draft,
            timestamp,
            print: &self.config.print,
            slides: &self.config.slides,
            earlier,
            opinion: self.config.opinion.as_ref(),
            documents: &self.documents,
        }
    }

    /// The page hashes of the material in `folder` at its last preview,
    /// replaced by `now`.
    pub(crate) fn previewed(&self, folder: &Path, now: Vec<String>) -> Vec<String> {
        let mut map = self.previewed.lock().expect("poisoned");
        map.insert(folder.to_path_buf(), now).unwrap_or_default()
    }

    /// For a caller that typesets after `prepare`: the fonts' hashes are
    /// made meanwhile on another thread ([`Fonts::warm`]).
    pub fn warm(&self) {
        if let Ok(fonts) = self.fonts() {
            fonts.warm();
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
    /// The files written, with their pages (0 for a file without pages).
    pub files: Vec<(PathBuf, usize)>,
    /// Which face printed each role (F2).
    pub fonts: Vec<crate::resources::fonts::RoleReport>,
    /// Characters a later font of a role's chain printed (F3 report).
    pub fallbacks: Vec<crate::resources::fonts::Fallback>,
    /// Files the build read besides the text sources (pictures, template
    /// overrides), for `watch`.
    pub dependencies: Vec<PathBuf>,
    /// How many 证实性材料 were bound (the report reminds of the seal).
    pub attachments: usize,
    /// The bound book's sheets and spine (when the book was written).
    pub binding: Option<outputs::binding::Binding>,
    /// What the renderers add to the report (the deck's talk time).
    pub notes: Vec<outputs::Note>,
}

/// Reads and checks a material; every problem found goes into `diags`.
/// Returns `None` when an error stops the run.
pub fn prepare(
    engine: &Engine,
    input: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Prepared> {
    let timing = crate::timing::Timing::start();
    let config = &engine.config;
    let loaded = material::read::load(input, sources, diags)?;
    let templates = &engine.templates;
    let m = &loaded.material;
    let profile_name = m
        .profile
        .as_ref()
        .map_or(profile::DEFAULT, |p| p.value.trim());
    let profile = match Profile::load(profile_name, templates, sources) {
        Ok(p) => Some(p),
        Err(d) => {
            let span = m
                .profile
                .as_ref()
                .map(|p| yaml_span(sources, loaded.file, &p.referenced));
            diags.push(match (d.span.is_none(), span) {
                (true, Some(s)) => d.at(s),
                _ => d,
            });
            None
        }
    };
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

    // The document: Markdown → blocks, no file IO.
    let mut counters = Counters::default();
    let mut parts: Vec<(PartKind, Vec<Block>)> = loaded
        .parts
        .iter()
        .map(|part| {
            let mut ctx = Ctx {
                sources,
                counters: &mut counters,
                diags,
            };
            (part.kind, markdown::parse_part(part, &mut ctx))
        })
        .collect();
    // Assets: the pictures it names, found in the folder and opened.
    let mut assets = assets::images::settle(&mut parts, &loaded.root, diags);
    let attachments = assets::attachments::settle(&loaded, sources, diags);
    assets.extend(attachments.iter().map(|a| a.file.clone()));
    // Layout decisions.
    for (_, blocks) in &mut parts {
        layout::settle_alignments(blocks);
        if let Some(profile) = &profile {
            layout::place_figures(blocks, profile);
        }
    }
    // Every rule.
    if let Some(fonts) = &fonts {
        check::glyphs::check(&loaded, fonts, sources, diags);
        check::glyphs::check_templates(templates, profile_name, fonts, sources, diags);
    }
    if let Some(profile) = &profile {
        check::Checker {
            loaded: &loaded,
            profile,
            parts: &parts,
            sources,
        }
        .run(diags);
    }
    // The writer's deck, when the deck is wanted and slides.md exists.
    let slides = if config.wants(&outputs::slides::SLIDES, profile.as_ref()) {
        read_slides(loaded.root.path(), fonts.as_deref(), sources, diags)
    } else {
        None
    };
    if diags.iter().any(Diagnostic::blocks_draft) {
        return None;
    }
    timing.lap("prepare (read, parse, check, pictures)");
    let date = Date::parse(&loaded.material.date.value)?;
    Some(Prepared {
        loaded,
        profile: profile?,
        fonts: fonts?,
        parts,
        date,
        assets,
        attachments,
        slides,
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
    let (y, mo, d, h, mi, s) = data::civil_from_epoch(secs);
    let dt = typst::foundations::Datetime::from_ymd_hms(y, mo, d, h, mi, s)?;
    Some(typst_pdf::Timestamp::new_utc(dt))
}

/// Builds one material into its folder under `config.out_dir`: every
/// material renderer's files, written together or not at all.
pub fn build(
    engine: &Engine,
    input: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<BuildReport> {
    engine.warm();
    let prepared = prepare(engine, input, sources, diags)?;
    render(engine, &prepared, sources, diags)
}

/// Renders a prepared material and writes its files (nothing when it has
/// errors, unless `--draft`).
pub fn render(
    engine: &Engine,
    prepared: &Prepared,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<BuildReport> {
    let config = &engine.config;
    if has_errors(diags) && !config.draft {
        return None;
    }
    let timestamp = source_date_epoch();
    let json = data::json(
        prepared,
        config.draft,
        timestamp.is_some(),
        config.opinion.as_ref(),
    );
    if let Some(dir) = &config.emit_typst
        && let Err(d) = emit_typst(dir, &json, prepared, &engine.templates)
    {
        diags.push(d);
        return None;
    }
    let mut products: Vec<outputs::Product> = Vec::new();
    for renderer in outputs::renderers() {
        if renderer.scope() != Scope::Material || !config.wants(renderer, Some(&prepared.profile)) {
            continue;
        }
        let job = engine.job(prepared, &json, timestamp, &products);
        let rendered = renderer.render(outputs::Input::Material(&job));
        match rendered {
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
    let timing = crate::timing::Timing::start();
    let m = &prepared.loaded.material;
    let company = m.company.name.value.trim();
    let (name, renamed) = write::folder_name(company);
    if renamed {
        diags.push(
            Diagnostic::warning(
                Code::Output,
                format!("企业名称含有不能用于文件夹名的字符，文件夹名改为“{name}”"),
            )
            .at(yaml_span(
                sources,
                prepared.loaded.file,
                &m.company.name.referenced,
            ))
            .help("E1 要求文件夹以企业名称命名；Windows 文件夹名不能含 / \\ : * ? \" < > |"),
        );
    }
    let folder = config.out_dir.join(&name);
    let inputs: Vec<PathBuf> = (0..sources.len())
        .map(|i| sources.path(i).to_path_buf())
        .collect();
    let files: Vec<(&str, &[u8])> = products
        .iter()
        .map(|p| (p.name.as_str(), p.bytes.as_slice()))
        .collect();
    let written = match write::write_all(&folder, &files, &inputs, config.durable) {
        Ok(w) => w,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    timing.lap("write");
    let binding = products
        .iter()
        .find(|p| p.name == outputs::BOOK_FILE)
        .and_then(|p| p.pages)
        .and_then(|pages| {
            outputs::binding::binding(pages, &prepared.profile.print, &config.print).ok()
        });
    let mut dependencies = prepared.assets.clone();
    dependencies.extend(engine.templates.served());
    Some(BuildReport {
        folder,
        files: written
            .into_iter()
            .zip(products.iter().map(|p| p.pages.unwrap_or(0)))
            .collect(),
        fonts: prepared.fonts.report(),
        fallbacks: data::fallbacks(prepared),
        dependencies,
        attachments: prepared.attachments.len(),
        binding,
        notes: products.iter().filter_map(|p| p.note.clone()).collect(),
    })
}

/// Writes the world as files: the templates under `shenbao/`, `data.json`
/// and the pictures under `material/`, so that `typst compile --root DIR
/// DIR/shenbao/book/main.typ` compiles exactly what shenbao compiles.
fn emit_typst(
    dir: &Path,
    data: &[u8],
    p: &Prepared,
    templates: &Templates,
) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(Code::Output, format!("无法写出 Typst 源文件：{e}")).in_file(dir)
    };
    for name in Templates::shared_files() {
        if let Some((_, text)) = templates.text(name) {
            let target = dir.join("shenbao").join(name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(fail)?;
            }
            std::fs::write(target, text).map_err(fail)?;
        }
    }
    std::fs::write(dir.join("data.json"), data).map_err(fail)?;
    for image in &p.assets {
        if let Some(rel) = p.loaded.root.relative(image) {
            // Where the world serves it: a converted picture as its PNG.
            let (world, bytes) = crate::assets::images::as_served(image, &rel)
                .map_err(std::io::Error::other)
                .map_err(fail)?;
            let target = dir.join(world.trim_start_matches('/'));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(fail)?;
            }
            std::fs::write(&target, bytes).map_err(fail)?;
        }
    }
    Ok(())
}

pub fn display(path: &Path) -> String {
    crate::diag::display_path(path)
}

/// Reads the writer's `slides.md` beside the material, if there is one
/// (D4): from then on it is the deck's source.
fn read_slides(
    root: &Path,
    fonts: Option<&crate::resources::fonts::Fonts>,
    sources: &mut crate::diag::Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<material::slides::Outline> {
    let path = root.join(material::slides::FILE);
    if !path.is_file() {
        return None;
    }
    let text = match crate::source::decode::read_text(&path, sources, diags) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let file = sources.add(&path, text);
    if let Some(fonts) = fonts {
        crate::check::glyphs::check_slides(sources.text(file), file, fonts, diags);
    }
    Some(material::slides::parse(sources.text(file), file, diags))
}
