//! For the print shop (SPEC §7 P1–P3, issue 11): the bound book's sheets
//! and spine width, and 书脊.pdf, the company's name for the spine of the
//! perfect-bound book ("书脊处打印公司名称"), written into the enterprise's
//! 印刷/ folder so that the E1 submission stays clean.

use serde::Serialize;

use super::binding::{Binding, binding, mm_to_pt};
use super::{BOOK_FILE, COVER_FILE, Input, Product, Renderer, Scope};
use crate::diag::{Code, Diagnostic};
use crate::profile::Profile;
use crate::resources::fonts::Fonts;
use crate::resources::templates::Templates;
use crate::typeset::compile;
use crate::typeset::world::ShenbaoWorld;

pub const SPINE_FILE: &str = "印刷/书脊.pdf";

/// One piece of the name as the spine stacks it: a CJK character upright,
/// or a run of Latin letters and digits (`LOW-E`, `2023`) turned to read
/// top to bottom, as Chinese spines set them.
#[derive(Debug, PartialEq, Serialize)]
pub struct Piece {
    pub text: String,
    pub turned: bool,
}

pub fn pieces(name: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for c in name.trim().chars().filter(|c| !c.is_whitespace()) {
        let latin = c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '&' | '+' | '/' | '_');
        match out.last_mut() {
            Some(p) if latin && p.turned => p.text.push(c),
            _ => out.push(Piece {
                text: c.to_string(),
                turned: latin,
            }),
        }
    }
    out
}

#[derive(Serialize)]
struct SpineData<'a> {
    name: &'a str,
    pieces: Vec<Piece>,
    spine_mm: f64,
    bleed_mm: f64,
    height_mm: f64,
    side_mm: f64,
    end_mm: f64,
    max_pt: f64,
    fonts: serde_json::Value,
    pdf_date: bool,
}

/// 书脊.pdf for `name` on a spine `binding.spine_mm` wide: the trim size
/// (spine × paper height) plus bleed on every side, and the template's
/// warnings. A spine too thin for legible text still gets its file; the
/// binding's report line says so.
pub fn spine_pdf(
    templates: &Templates,
    fonts: &std::sync::Arc<Fonts>,
    profile: &Profile,
    name: &str,
    binding: &Binding,
    bleed_mm: f64,
    timestamp: Option<typst_pdf::Timestamp>,
) -> Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let print = &profile.print;
    let data = SpineData {
        name,
        pieces: pieces(name),
        spine_mm: binding.spine_mm,
        bleed_mm,
        height_mm: profile.page.height_mm,
        side_mm: print.spine_side_mm,
        end_mm: print.spine_end_mm,
        max_pt: print.spine_max_pt,
        fonts: fonts.roles_json(),
        pdf_date: timestamp.is_some(),
    };
    let json = serde_json::to_vec(&data).expect("plain data");
    let root = crate::source::jail::Confined::new(std::path::Path::new(".")).map_err(|e| {
        vec![Diagnostic::error(
            Code::Output,
            format!("无法访问当前文件夹：{e}"),
        )]
    })?;
    let world = ShenbaoWorld::new(
        templates.clone(),
        "print/spine.typ",
        json,
        root,
        fonts.clone(),
        (profile.campaign_year, 1, 1),
    );
    let (doc, warnings) = compile::compile(&world)?;
    let pdf = compile::pdf(&doc, "spine", timestamp)?;
    // The trim is the spine itself; the bleed, the whole page.
    let (w, h) = (
        mm_to_pt(binding.spine_mm + 2.0 * bleed_mm),
        mm_to_pt(profile.page.height_mm + 2.0 * bleed_mm),
    );
    let b = mm_to_pt(bleed_mm);
    let pdf = super::pdfbox::set_boxes(&pdf, [b, b, w - b, h - b], [0.0, 0.0, w, h]).ok_or_else(
        || {
            vec![Diagnostic::error(
                Code::Output,
                "内部错误：无法在书脊.pdf 中写入裁切框",
            )]
        },
    )?;
    Ok((pdf, warnings))
}

pub struct Spine;

pub const SPINE: Spine = Spine;

impl Renderer for Spine {
    fn id(&self) -> &'static str {
        "spine"
    }

    fn help(&self) -> &'static str {
        "印刷/书脊.pdf"
    }

    fn scope(&self) -> Scope {
        Scope::Material
    }

    fn needs(&self) -> &'static [&'static str] {
        &["book"]
    }

    fn files(&self) -> Vec<&'static str> {
        vec![SPINE_FILE]
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Material(job) = input else {
            return Err(super::wrong_input(self.id()));
        };
        let p = job.prepared;
        if !p.profile.print.files {
            return Ok((Vec::new(), Vec::new()));
        }
        let Some(pages) = job
            .earlier
            .iter()
            .find(|f| f.name == BOOK_FILE)
            .and_then(|f| f.pages)
        else {
            return Err(vec![
                Diagnostic::error(
                    Code::Output,
                    "书脊的宽度取决于整本申报材料的页数，要同时生成 book",
                )
                .help("用 --outputs book,spine"),
            ]);
        };
        let binding = binding(pages, &p.profile.print, job.print).map_err(|d| vec![d])?;
        let bleed = job.print.bleed_mm.unwrap_or(p.profile.print.bleed_mm);
        let name = p.loaded.material.company.name.value.trim();
        let (pdf, warnings) = spine_pdf(
            job.templates,
            &p.fonts,
            &p.profile,
            name,
            &binding,
            bleed,
            job.timestamp,
        )?;
        Ok((
            vec![Product {
                name: SPINE_FILE.into(),
                bytes: pdf,
                pages: Some(1),
                note: None,
            }],
            warnings,
        ))
    }
}

pub const WRAP_FILE: &str = "印刷/封面展开.pdf";

/// The slug around the bleed, where the crop and fold marks sit.
const SLUG_MM: f64 = 10.0;

#[derive(Serialize)]
struct WrapData {
    width_mm: f64,
    height_mm: f64,
    spine_mm: f64,
    bleed_mm: f64,
    slug_mm: f64,
    pdf_date: bool,
}

/// 封面展开.pdf (issue 11): back cover (white), spine and front cover on one
/// sheet, the trim size (2 × paper width + spine) plus bleed plus a slug
/// with crop marks at the trim corners and fold marks at the spine's edges.
/// The front is 封面.pdf itself, placed on the front's trim, and the spine
/// 书脊.pdf with its bleed: both vector, unchanged.
pub struct Wrap;

pub const WRAP: Wrap = Wrap;

impl Renderer for Wrap {
    fn id(&self) -> &'static str {
        "wrap"
    }

    fn help(&self) -> &'static str {
        "印刷/封面展开.pdf，要同时生成 book 和 spine"
    }

    fn scope(&self) -> Scope {
        Scope::Material
    }

    fn needs(&self) -> &'static [&'static str] {
        &["book", "spine"]
    }

    fn files(&self) -> Vec<&'static str> {
        vec![WRAP_FILE]
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Material(job) = input else {
            return Err(super::wrong_input(self.id()));
        };
        let p = job.prepared;
        if !p.profile.print.files {
            return Ok((Vec::new(), Vec::new()));
        }
        let earlier = |name: &str| job.earlier.iter().find(|f| f.name == name);
        let (Some(book), Some(cover), Some(spine)) =
            (earlier(BOOK_FILE), earlier(COVER_FILE), earlier(SPINE_FILE))
        else {
            return Err(vec![
                Diagnostic::error(
                    Code::Output,
                    "封面展开图由封面、书脊组成，要同时生成 book 和 spine",
                )
                .help("用 --outputs book,spine,wrap"),
            ]);
        };
        let binding =
            binding(book.pages.unwrap_or(0), &p.profile.print, job.print).map_err(|d| vec![d])?;
        let bleed = job.print.bleed_mm.unwrap_or(p.profile.print.bleed_mm);
        let page = &p.profile.page;
        let data = WrapData {
            width_mm: page.width_mm,
            height_mm: page.height_mm,
            spine_mm: binding.spine_mm,
            bleed_mm: bleed,
            slug_mm: SLUG_MM,
            pdf_date: job.timestamp.is_some(),
        };
        let world = ShenbaoWorld::new(
            job.templates.clone(),
            "print/wrap.typ",
            serde_json::to_vec(&data).expect("plain data"),
            p.loaded.root.clone(),
            p.fonts.clone(),
            (p.date.year, p.date.month as u8, p.date.day as u8),
        )
        .with_file("/cover.pdf", cover.bytes.clone())
        .with_file("/spine.pdf", spine.bytes.clone());
        let (doc, warnings) = compile::compile(&world)?;
        let pdf = compile::pdf(&doc, "wrap", job.timestamp)?;
        let w = mm_to_pt(2.0 * (page.width_mm + bleed + SLUG_MM) + binding.spine_mm);
        let h = mm_to_pt(page.height_mm + 2.0 * (bleed + SLUG_MM));
        let (t, s) = (mm_to_pt(bleed + SLUG_MM), mm_to_pt(SLUG_MM));
        let pdf = super::pdfbox::set_boxes(&pdf, [t, t, w - t, h - t], [s, s, w - s, h - s])
            .ok_or_else(|| {
                vec![Diagnostic::error(
                    Code::Output,
                    "内部错误：无法在封面展开.pdf 中写入裁切框",
                )]
            })?;
        Ok((
            vec![Product {
                name: WRAP_FILE.into(),
                bytes: pdf,
                pages: Some(1),
                note: None,
            }],
            warnings,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_runs_turn_cjk_stays_upright() {
        let p = pieces("洛阳LOW-E玻璃2023有限公司");
        let turned: Vec<&str> = p
            .iter()
            .filter(|p| p.turned)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(turned, ["LOW-E", "2023"]);
        assert_eq!(p.iter().filter(|p| !p.turned).count(), 8);
    }
}
