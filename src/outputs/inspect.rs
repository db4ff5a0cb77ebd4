//! `shenbao inspect FILE.pdf` (issue 11), a renderer of [`Scope::Pdf`]: what a print shop needs to know of
//! a PDF it was handed, made by shenbao or not — pages and their sizes (A4
//! or not), sheets duplex and spine width, fonts not embedded, blank pages,
//! and for a shenbao book the name its spine should carry (the PDF's author,
//! written at build time), checked against a given 书脊.pdf.

use std::path::Path;

use hayro_syntax::Pdf;
use hayro_syntax::object::dict::keys;
use hayro_syntax::object::{Array, Dict, Name, Stream};
use serde::Serialize;

use super::{Input, Product, Renderer, Scope};
use crate::diag::{Code, Diagnostic};
use crate::outputs::binding::{Binding, PrintOptions, binding};
use crate::profile::Print;

const A4: (f64, f64) = (595.276, 841.89);

#[derive(Debug, Serialize)]
pub struct Report {
    pub file: String,
    pub pages: usize,
    /// Runs of pages of one size: (first page, last page, width mm, height
    /// mm, is A4).
    pub sizes: Vec<SizeRun>,
    pub binding: Binding,
    /// Fonts used but not embedded (a print risk), by name.
    pub fonts_not_embedded: Vec<String>,
    pub blank_pages: Vec<usize>,
    /// The PDF's author: for a shenbao book, the company's full name.
    pub author: Option<String>,
    pub producer: Option<String>,
    /// The spine file checked against the book, when one was given.
    pub spine: Option<SpineCheck>,
}

#[derive(Debug, Serialize)]
pub struct SizeRun {
    pub first: usize,
    pub last: usize,
    pub width_mm: f64,
    pub height_mm: f64,
    pub a4: bool,
}

#[derive(Debug, Serialize)]
pub struct SpineCheck {
    pub file: String,
    /// The name the spine file carries (its title).
    pub name: Option<String>,
    pub matches: bool,
}

fn open(path: &Path) -> Result<Pdf, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| crate::source::decode::io_error(path, &e))?;
    Pdf::new(bytes).map_err(|e| {
        let why = match e {
            hayro_syntax::LoadPdfError::Decryption(_) => "需要密码才能打开",
            hayro_syntax::LoadPdfError::Invalid => "不是 PDF，或已损坏",
        };
        Diagnostic::error(Code::BadAttachment, format!("无法读取这个 PDF：{why}")).in_file(path)
    })
}

/// A PDF text string: UTF-16BE with its BOM, else PDFDocEncoding (Latin-1
/// is close enough for names).
fn text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

fn name_of(font: &Dict) -> String {
    font.get::<Name>(keys::BASE_FONT)
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| "（无名字体）".into())
}

/// Whether a font's program is in the file: its descriptor (or its
/// descendant's, for a Type0 font) has a FontFile; Type3 fonts are drawn
/// by the file itself.
fn embedded(font: &Dict) -> bool {
    let subtype = font.get::<Name>(keys::SUBTYPE);
    if subtype.as_ref().is_some_and(|s| s.as_str() == "Type3") {
        return true;
    }
    let descriptor = match font.get::<Array>(keys::DESCENDANT_FONTS) {
        Some(desc) => desc
            .iter::<Dict>()
            .next()
            .and_then(|d| d.get::<Dict>(keys::FONT_DESC)),
        None => font.get::<Dict>(keys::FONT_DESC),
    };
    descriptor.is_some_and(|d| {
        d.contains_key(keys::FONT_FILE)
            || d.contains_key(keys::FONT_FILE2)
            || d.contains_key(keys::FONT_FILE3)
    })
}

/// Fonts of a resource dictionary and of the form XObjects it draws.
fn fonts(resources: &Dict, depth: usize, out: &mut Vec<(String, bool)>) {
    if depth > 8 {
        return;
    }
    if let Some(fs) = resources.get::<Dict>(keys::FONT) {
        for key in fs.keys() {
            if let Some(f) = fs.get::<Dict>(key.as_ref()) {
                out.push((name_of(&f), embedded(&f)));
            }
        }
    }
    if let Some(xs) = resources.get::<Dict>(keys::XOBJECT) {
        for key in xs.keys() {
            if let Some(x) = xs.get::<Stream>(key.as_ref())
                && let Some(res) = x.dict().get::<Dict>(keys::RESOURCES)
            {
                fonts(&res, depth + 1, out);
            }
        }
    }
}

/// Whether a content stream paints anything: text, paths filled or
/// stroked, images, forms, shadings.
fn paints(content: &[u8]) -> bool {
    let mut ops = hayro_syntax::content::UntypedIter::new(content);
    while let Some(i) = ops.next() {
        let op: &[u8] = i.operator;
        if matches!(
            op,
            b"Tj"
                | b"TJ"
                | b"'"
                | b"\""
                | b"S"
                | b"s"
                | b"f"
                | b"F"
                | b"f*"
                | b"B"
                | b"B*"
                | b"b"
                | b"b*"
                | b"Do"
                | b"sh"
                | b"BI"
        ) {
            return true;
        }
    }
    false
}

pub fn inspect(
    path: &Path,
    opts: &PrintOptions,
    spine: Option<&Path>,
) -> Result<Report, Diagnostic> {
    let pdf = open(path)?;
    let pages = pdf.pages();
    let mut sizes: Vec<SizeRun> = Vec::new();
    let mut all_fonts: Vec<(String, bool)> = Vec::new();
    let mut blank = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let (w, h) = page.render_dimensions();
        let (w, h) = (f64::from(w), f64::from(h));
        let a4 = (w - A4.0).abs() < 1.0 && (h - A4.1).abs() < 1.0;
        let (wmm, hmm) = (
            (w / 72.0 * 25.4 * 10.0).round() / 10.0,
            (h / 72.0 * 25.4 * 10.0).round() / 10.0,
        );
        match sizes.last_mut() {
            Some(r) if r.last == i && r.width_mm == wmm && r.height_mm == hmm => r.last = i + 1,
            _ => sizes.push(SizeRun {
                first: i + 1,
                last: i + 1,
                width_mm: wmm,
                height_mm: hmm,
                a4,
            }),
        }
        if let Some(res) = page.raw().get::<Dict>(keys::RESOURCES) {
            fonts(&res, 0, &mut all_fonts);
        }
        if !page.page_stream().is_some_and(paints) {
            blank.push(i + 1);
        }
    }
    let mut not_embedded: Vec<String> = all_fonts
        .into_iter()
        .filter(|(_, e)| !e)
        .map(|(n, _)| n)
        .collect();
    not_embedded.sort();
    not_embedded.dedup();
    let meta = pdf.metadata();
    let author = meta
        .author
        .as_deref()
        .map(text)
        .filter(|s| !s.trim().is_empty());
    let producer = meta
        .producer
        .as_deref()
        .or(meta.creator.as_deref())
        .map(text);
    let spine = match spine {
        Some(s) => {
            let sp = open(s)?;
            let name = sp.metadata().title.as_deref().map(text);
            Some(SpineCheck {
                file: crate::diag::display_path(s),
                matches: name.is_some() && name == author,
                name,
            })
        }
        None => None,
    };
    Ok(Report {
        file: crate::diag::display_path(path),
        pages: pages.len(),
        sizes,
        binding: binding(pages.len(), &Print::default(), opts)?,
        fonts_not_embedded: not_embedded,
        blank_pages: blank,
        author,
        producer,
        spine,
    })
}

/// The report as data (docs/json.md); a front end words it for a person.
pub const REPORT_JSON: &str = "inspect.json";

pub struct InspectOutput;

pub const INSPECT: InspectOutput = InspectOutput;

impl Renderer for InspectOutput {
    fn id(&self) -> &'static str {
        "inspect"
    }

    fn help(&self) -> &'static str {
        "检查一个 PDF，见 shenbao inspect"
    }

    fn scope(&self) -> Scope {
        Scope::Pdf
    }

    fn by_default(&self, _: Option<&crate::profile::Profile>) -> bool {
        false
    }

    fn files(&self) -> Vec<&'static str> {
        vec![REPORT_JSON]
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Pdf(job) = input else {
            return Err(super::wrong_input(self.id()));
        };
        let report = inspect(job.path, job.print, job.spine).map_err(|d| vec![d])?;
        let json = serde_json::to_string(&report).expect("serialisable") + "\n";
        Ok((
            vec![Product {
                name: REPORT_JSON.into(),
                bytes: json.into_bytes(),
                pages: Some(report.pages),
                note: None,
            }],
            Vec::new(),
        ))
    }
}
