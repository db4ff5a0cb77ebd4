//! The 答辩 deck (SPEC §11): the material's automatic deck (`auto.rs`), or
//! the writer's `slides.md` beside it (D4, read by `material::slides`), laid
//! out once (`place.rs`, with `geometry.rs` and `measure.rs`) and written as
//! a 16:9 PDF (`templates/slides/main.typ`) and an editable PowerPoint file
//! (`pptx/`, parts in `templates/slides/pptx/`).
//! `shenbao slides` runs this renderer; `build` does not unless asked
//! (`--outputs slides`), so the book's timing stays comparable.

pub mod auto;
pub mod chart;
pub mod deck;
pub mod geometry;
pub mod measure;
pub mod place;
pub mod pptx;

use serde::Serialize;

use super::{Input, Product, Renderer, Scope};
use crate::assets::images;
use crate::diag::{Code, Diagnostic, Span};
use crate::document::Prepared;
use crate::material::slides as outline;
use crate::resources::templates::Templates;
use crate::typeset::compile;
use crate::typeset::world::ShenbaoWorld;
use deck::{Deck, Item, Theme};

pub const PDF_FILE: &str = "答辩.pdf";
pub const PPTX_FILE: &str = "答辩.pptx";
const ENTRY: &str = "slides/main.typ";
const LAYOUT: &str = "slides/layout.yaml";
/// The static parts of the PPTX, below `templates/`.
pub const PPTX_PARTS: &str = "slides/pptx/";

/// What `shenbao slides` was asked for.
#[derive(Clone, Debug, Default)]
pub struct SlidesOptions {
    /// The talk's length; the profile's (the notice's 10) when None.
    pub minutes: Option<u32>,
}

pub struct SlidesOutput;

pub const SLIDES: SlidesOutput = SlidesOutput;

/// How long the deck takes to present (D2).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TalkTime {
    pub seconds: u32,
    /// 字 of the speaker's script.
    pub chars: usize,
    pub pictures: usize,
}

impl TalkTime {
    pub fn of(deck: &Deck, chars_per_minute: u32, picture_seconds: u32) -> TalkTime {
        let chars: usize = deck
            .slides
            .iter()
            .map(|s| s.notes.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        // The logo is on every content slide; it is not a picture to talk about.
        let pictures = deck
            .slides
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| matches!(i, Item::Picture { path, .. } if Some(path) != deck.logo.as_ref()))
            .count();
        let speech = chars as f64 * 60.0 / f64::from(chars_per_minute.max(1));
        TalkTime {
            seconds: (speech + (pictures as u32 * picture_seconds) as f64).round() as u32,
            chars,
            pictures,
        }
    }

    pub fn minutes_text(&self) -> String {
        clock(self.seconds)
    }
}

/// A talk time as it is said: `9分05秒`.
pub fn clock(seconds: u32) -> String {
    format!("{}分{:02}秒", seconds / 60, seconds % 60)
}

impl TalkTime {}

/// `shenbao slides --init`: writes the automatic deck as `slides.md` beside
/// the material (never over an existing one). Returns its path and the
/// number of slides.
pub fn init(p: &Prepared, minutes: Option<u32>) -> Result<(std::path::PathBuf, usize), Diagnostic> {
    let path = p.loaded.root.path().join(outline::FILE);
    if path.exists() {
        return Err(
            Diagnostic::error(Code::Output, "slides.md 已经存在，没有改动它")
                .in_file(&path)
                .help(
                    "它是你修改过的演示稿，shenbao slides 直接用它；要重新生成，先把它改名或删除",
                ),
        );
    }
    let o = auto::outline(p, minutes.unwrap_or(p.profile.slides.minutes));
    let text = outline::write(&o, "");
    let fail = |e: std::io::Error| {
        Diagnostic::error(Code::Output, format!("无法写出 slides.md：{e}")).in_file(&path)
    };
    // A new file, created only if none appeared meanwhile.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(fail)?;
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(fail)?;
    Ok((path, o.slides.len()))
}

fn theme(p: &Prepared) -> Theme {
    let s = &p.profile.slides;
    Theme {
        primary: s.primary.clone(),
        accent: s.accent.clone(),
        text: s.text.clone(),
        muted: s.muted.clone(),
        series: s.series.clone(),
        pptx_title_face: s.pptx_title_face.clone(),
        pptx_body_face: s.pptx_body_face.clone(),
        pptx_latin_face: s.pptx_latin_face.clone(),
    }
}

/// Finds a picture of the deck in the material's folder. Pictures are
/// looked up here, not in `assets`, because the writer's `slides.md` can
/// name pictures the material does not.
fn find_picture(p: &Prepared, dest: &str) -> Result<place::Picture, Diagnostic> {
    let root = &p.loaded.root;
    let file = root.resolve(root.path(), dest)?;
    let probe = images::probe(&file, images::MAX_SIDE)?;
    let rel = root.relative(&file).unwrap_or_default();
    // A PPTX holds PNG and JPEG: any other picture goes in as PNG (see
    // `images::png_or_jpeg`, which the PPTX is written with).
    let format = match probe.format {
        images::Format::Jpeg => "jpeg",
        _ => "png",
    };
    Ok(place::Picture {
        file,
        world_path: images::world_path(&rel, probe.format),
        px_width: probe.width,
        px_height: probe.height,
        format: format.into(),
    })
}

/// Lays out the deck of a prepared material (the writer's `slides.md`
/// when it has one, else the automatic deck for `minutes`).
pub fn lay_out(
    p: &Prepared,
    templates: &Templates,
    minutes: u32,
    diags: &mut Vec<Diagnostic>,
) -> Result<Deck, Vec<Diagnostic>> {
    let Some((path, text)) = templates.text(LAYOUT) else {
        return Err(vec![Diagnostic::error(
            Code::Template,
            format!("模板中缺少 {LAYOUT}"),
        )]);
    };
    let mut geometry: geometry::Geometry = serde_saphyr::from_str(&text).map_err(|e| {
        vec![
            Diagnostic::error(Code::Template, format!("{LAYOUT} 写得不对：{e}"))
                .in_file(&path)
                .help("对照 shenbao 自带的 templates/slides/layout.yaml 修改"),
        ]
    })?;
    geometry.widths = measure::Widths::of(p.fonts.clone());
    let automatic;
    let outline = match &p.slides {
        Some(o) => o,
        None => {
            automatic = auto::outline(p, minutes);
            &automatic
        }
    };
    let logo = p
        .profile
        .slides
        .logo
        .as_deref()
        .and_then(|dest| match find_picture(p, dest) {
            Ok(pic) => Some(pic),
            Err(d) => {
                diags.push(Diagnostic::warning(
                    d.code,
                    format!("配置文件的 slides.logo：{}", d.message),
                ));
                None
            }
        });
    let m = &p.loaded.material;
    Ok(place::place(
        outline,
        &geometry,
        place::Frame {
            title: m.benchmark.title.value.trim().to_string(),
            company: m.company.name.value.trim().to_string(),
            theme: theme(p),
            logo,
        },
        &mut |src| find_picture(p, &src.dest),
        diags,
    ))
}

#[derive(Serialize)]
struct SlidesData<'a> {
    deck: &'a Deck,
    fonts: serde_json::Value,
    draft: bool,
    pdf_date: bool,
}

impl Renderer for SlidesOutput {
    fn id(&self) -> &'static str {
        "slides"
    }

    fn help(&self) -> &'static str {
        "答辩演示稿，默认不生成，见 shenbao slides"
    }

    fn scope(&self) -> Scope {
        Scope::Material
    }

    fn by_default(&self, _: Option<&crate::profile::Profile>) -> bool {
        false
    }

    fn files(&self) -> Vec<&'static str> {
        vec![PDF_FILE, PPTX_FILE]
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Material(job) = input else {
            return Err(super::wrong_input(self.id()));
        };
        let p = job.prepared;
        let settings = &p.profile.slides;
        let minutes = job.slides.minutes.unwrap_or(settings.minutes);
        let mut warnings = Vec::new();
        let deck = lay_out(p, job.templates, minutes, &mut warnings)?;
        if warnings
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
        {
            return Err(warnings);
        }
        let talk = TalkTime::of(&deck, settings.chars_per_minute, settings.picture_seconds);
        if talk.seconds > minutes * 60 {
            let span = p
                .slides
                .as_ref()
                .and_then(|o| o.slides.first())
                .and_then(|s| s.span.clone())
                .map(|s| Span { range: 0..0, ..s });
            warnings.push(
                Diagnostic::warning(
                    Code::TalkTime,
                    format!(
                        "演示稿预计讲述 {}，超过 {minutes} 分钟",
                        talk.minutes_text()
                    ),
                )
                .at_opt(span)
                .help(format!(
                    "按每分钟约 {} 字的讲稿和每张图片 {} 秒估算；请精简讲稿（::: 讲稿 … :::）或删去部分幻灯片，实地考察可用 --minutes 30",
                    settings.chars_per_minute, settings.picture_seconds
                ))
                .data(serde_json::json!({"seconds": talk.seconds, "limit": minutes * 60, "chars": talk.chars, "pictures": talk.pictures})),
            );
        }
        let data = serde_json::to_vec(&SlidesData {
            deck: &deck,
            fonts: p.fonts.roles_json(),
            draft: job.draft,
            pdf_date: job.timestamp.is_some(),
        })
        .expect("serialisable");
        let world = ShenbaoWorld::new(
            job.templates.clone(),
            ENTRY,
            data,
            p.loaded.root.clone(),
            p.fonts.clone(),
            (p.date.year, p.date.month as u8, p.date.day as u8),
        );
        let (doc, typst_warnings) = compile::compile(&world)?;
        warnings.extend(typst_warnings);
        let pages = doc.pages().len();
        if pages != deck.slides.len() {
            return Err(vec![
                Diagnostic::error(
                    Code::Template,
                    format!("{ENTRY} 排出 {pages} 页，演示稿有 {} 页", deck.slides.len()),
                )
                .help("每页幻灯片必须正好一页；如果用了 --templates，请检查自定义模板"),
            ]);
        }
        let company = p.loaded.material.company.name.value.trim();
        let pdf = compile::pdf(&doc, company, job.timestamp)?;
        let templates = job.templates;
        let parts = |name: &str| {
            templates
                .text(&format!("{PPTX_PARTS}{name}"))
                .map(|(_, t)| t)
        };
        let pptx = pptx::pptx(&deck, &parts, &images::png_or_jpeg).map_err(|e| {
            vec![Diagnostic::error(
                Code::Output,
                format!("无法生成 {PPTX_FILE}：{e}"),
            )]
        })?;
        let note = super::Note::Talk {
            slides: deck.slides.len(),
            seconds: talk.seconds,
            chars: talk.chars,
            pictures: talk.pictures,
            limit_seconds: minutes * 60,
        };
        Ok((
            vec![
                Product {
                    name: PDF_FILE.into(),
                    bytes: pdf,
                    pages: Some(pages),
                    note: Some(note),
                },
                Product {
                    name: PPTX_FILE.into(),
                    bytes: pptx,
                    pages: Some(pages),
                    note: None,
                },
            ],
            warnings,
        ))
    }
}
