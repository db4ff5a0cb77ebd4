//! Compiling a template into pages, finding the parts a template marks
//! (`<shenbao-part>`), and exporting a selection of pages as a PDF.
//!
//! A selection is exported from a document holding only its own pages, not
//! with `PdfOptions::page_ranges`: typst-pdf 0.15 leaves out
//! of a page-range export's outline every heading on an exported page
//! (`outline.rs` keeps a heading only when its page is *not* in the range,
//! and then cannot point at it), so 正文.pdf had no bookmarks at all. A
//! document rebuilt from the body's pages has its own introspector, which
//! puts each heading on its page of 正文.pdf.

use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Label, Selector, Smart, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::model::Document;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use super::world::ShenbaoWorld;
use crate::diag::{Code, Diagnostic};

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

/// The label a template puts on `metadata("name")` where a part of the
/// document starts (`cover`, `blank`, `body` …): a part runs from that page
/// to the page before the next part's.
const PART: &str = "shenbao-part";

/// Each page's part name, in page order (`""` before the first marker).
pub fn page_parts(doc: &PagedDocument) -> Vec<String> {
    let total = doc.pages().len();
    let mut starts: Vec<(usize, String)> = Vec::new();
    if let Some(label) = Label::new(PicoStr::intern(PART)) {
        let intro = doc.introspector();
        for content in intro.query(&Selector::Label(label)) {
            let Some(meta) = content.to_packed::<MetadataElem>() else {
                continue;
            };
            let Value::Str(name) = &meta.value else {
                continue;
            };
            if let Some(page) = content.location().and_then(|l| intro.page(l)) {
                starts.push((page.get(), name.to_string()));
            }
        }
    }
    starts.sort_by_key(|(page, _)| *page);
    (1..=total)
        .map(|page| {
            starts
                .iter()
                .rev()
                .find(|(start, _)| *start <= page)
                .map_or(String::new(), |(_, name)| name.clone())
        })
        .collect()
}

/// Pages of `doc` (indices from 0) as a document of their own. A document
/// rebuilt from its pages has its own introspector, so each heading's
/// bookmark points at its page in the new file (see the module comment).
pub fn select(doc: &PagedDocument, pages: &[usize]) -> PagedDocument {
    let pages = pages.iter().map(|&i| doc.pages()[i].clone()).collect();
    PagedDocument::new(pages, doc.info().clone())
}

/// One PDF export, the same options for every file shenbao writes.
pub fn pdf(
    doc: &PagedDocument,
    ident: &str,
    timestamp: Option<Timestamp>,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("shenbao {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        // Untagged, as when the cover and body were page ranges (which
        // Typst cannot tag): every file of a material stays consistent.
        tagged: false,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options).map_err(|errs| {
        errs.iter()
            .map(|e| Diagnostic::error(Code::Template, format!("PDF 导出失败：{}", e.message)))
            .collect()
    })
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
