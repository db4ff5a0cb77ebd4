//! One compilation of the book, exported three ways: 封面.pdf (the cover
//! page), 正文.pdf (the body pages) and 申报材料.pdf (all pages in binding
//! order). Compiling once loads fonts and images once.
//!
//! The cover and the body are exported from documents holding only their
//! own pages, not with `PdfOptions::page_ranges`: typst-pdf 0.15 leaves out
//! of a page-range export's outline every heading on an exported page
//! (`outline.rs` keeps a heading only when its page is *not* in the range,
//! and then cannot point at it), so 正文.pdf had no bookmarks at all. A
//! document rebuilt from the body's pages has its own introspector, which
//! puts each heading on its page of 正文.pdf.

use std::num::NonZeroUsize;

use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Label, Smart};
use typst::introspection::Introspector;
use typst::model::Document;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::diag::{Code, Diagnostic};
use crate::world::ShenbaoWorld;

/// The PDFs of one material.
pub struct Pdfs {
    pub cover: Vec<u8>,
    pub body: Vec<u8>,
    pub book: Vec<u8>,
    pub cover_pages: usize,
    pub body_pages: usize,
    pub book_pages: usize,
}

pub fn compile(world: &ShenbaoWorld) -> Result<(PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
    let warned = typst::compile::<PagedDocument>(world);
    let warnings: Vec<Diagnostic> = warned
        .warnings
        .iter()
        .map(|d| template_diag(world, d))
        .collect();
    match warned.output {
        Ok(doc) => Ok((doc, warnings)),
        Err(errors) => Err(errors.iter().map(|d| template_diag(world, d)).collect()),
    }
}

pub fn export(
    doc: &PagedDocument,
    ident: &str,
    timestamp: Option<Timestamp>,
) -> Result<Pdfs, Vec<Diagnostic>> {
    let total = doc.pages().len();
    let body_start = label_page(doc, "shenbao-body-start")
        .unwrap_or(2)
        .min(total);
    let cover_end = label_page(doc, "shenbao-cover-end")
        .unwrap_or(1)
        .min(body_start.saturating_sub(1))
        .max(1);
    // Pages `a..=b` (from 1) as a document of their own.
    let part = |a: usize, b: usize| {
        let pages = doc.pages()[a - 1..b].iter().cloned().collect();
        PagedDocument::new(pages, doc.info().clone())
    };
    let pdf = |doc: &PagedDocument| {
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("shenbao {}", env!("CARGO_PKG_VERSION")))),
            timestamp,
            // Untagged, as when the cover and body were page ranges (which
            // Typst cannot tag): the three files stay consistent.
            tagged: false,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(doc, &options).map_err(|errs| {
            errs.iter()
                .map(|e| Diagnostic::error(Code::Template, format!("PDF 导出失败：{}", e.message)))
                .collect::<Vec<_>>()
        })
    };
    // The three exports are independent (font subsetting dominates): run
    // them side by side.
    let (cover, body, book) = std::thread::scope(|s| {
        let cover = s.spawn(|| pdf(&part(1, cover_end)));
        let body = s.spawn(|| pdf(&part(body_start, total)));
        let book = pdf(doc);
        (join(cover), join(body), book)
    });
    Ok(Pdfs {
        cover: cover?,
        body: body?,
        book: book?,
        cover_pages: cover_end,
        body_pages: total + 1 - body_start,
        book_pages: total,
    })
}

fn join<T>(
    handle: std::thread::ScopedJoinHandle<'_, Result<T, Vec<Diagnostic>>>,
) -> Result<T, Vec<Diagnostic>> {
    handle.join().unwrap_or_else(|_| {
        Err(vec![Diagnostic::error(
            Code::Template,
            "PDF 导出时内部错误",
        )])
    })
}

fn label_page(doc: &PagedDocument, name: &str) -> Option<usize> {
    let label = Label::new(PicoStr::intern(name))?;
    let intro = doc.introspector();
    let content = intro.query_label(label).ok()?;
    let loc = content.location()?;
    intro.page(loc).map(NonZeroUsize::get)
}

/// A Typst diagnostic is a template problem (the writer's text is data and
/// cannot cause one), reported with the template file and line.
fn template_diag(world: &ShenbaoWorld, d: &SourceDiagnostic) -> Diagnostic {
    let mut place = String::new();
    if let Some(id) = d.span.id()
        && let Some(range) = world.range(d.span)
        && let Ok(source) = typst::World::source(world, id)
    {
        let line = source
            .lines()
            .byte_to_line(range.start)
            .map_or(0, |l| l + 1);
        place = format!("（模板 {}:{line}）", world.describe(id));
    }
    let message = format!("排版失败：{}{place}", d.message);
    let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
    let diag = match d.severity {
        TypstSeverity::Error => Diagnostic::error(Code::Template, message),
        TypstSeverity::Warning => Diagnostic::warning(Code::Template, message),
    };
    let help = if hints.is_empty() {
        "这是模板的问题，不是材料的问题；如果用了 --templates，请检查自定义模板".to_string()
    } else {
        hints.join("；")
    };
    diag.help(help)
}
