//! Previews: the pages a writer reads beside the editor (封面, 申报表, 正文
//! and the bound 证实性材料), as data a front end draws. One compile of the
//! book, no PDF export: each page has a content hash, so a front end fetches
//! again only the pages that changed, and its text, so it can find the page
//! that holds the paragraph being edited. Images are made on demand
//! ([`Preview::png`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use typst::layout::{Frame, FrameItem};

use crate::diag::Diagnostic;
use crate::document::Prepared;
use crate::outputs::typst::Compiled;
use crate::outputs::{book, data};
use crate::pipeline::{self, Engine};
use crate::typeset::pages;

/// The book's parts a preview shows, in order, with the name a writer
/// knows and the file they are written to (`None`: bound into 申报材料.pdf
/// only).
const PARTS: [(&str, &str, Option<&str>); 4] = [
    ("cover", "封面", Some(crate::outputs::COVER_FILE)),
    ("form", "申报表", Some("申报表.pdf")),
    ("body", "正文", Some("正文.pdf")),
    ("attachments", "证实性材料", None),
];

pub struct Preview {
    pub documents: Vec<Document>,
    /// Pages of the bound book (申报材料.pdf), blank backs included.
    pub book_pages: usize,
    compiled: Arc<Compiled>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    pub name: String,
    pub file: Option<String>,
    pub pages: Vec<Page>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Page {
    /// The page's number in its document, from 1.
    pub n: usize,
    /// Its index in the compiled book (for [`Preview::png`]).
    pub index: usize,
    /// SHA-256 of the page's content ([`pages::hash`]).
    pub sha256: String,
    pub width_pt: f64,
    pub height_pt: f64,
    /// Not among the pages of this material's previous preview.
    pub changed: bool,
    /// The text on the page, in reading order.
    pub text: String,
}

/// Lays out the pages of `prepared` with the engine's options (a draft is
/// marked 草稿). Template problems go into `diags`.
pub fn preview(
    engine: &Engine,
    prepared: &Prepared,
    diags: &mut Vec<Diagnostic>,
) -> Option<Preview> {
    let config = &engine.config;
    let timestamp = pipeline::source_date_epoch();
    let json = data::json(
        prepared,
        config.draft,
        timestamp.is_some(),
        config.opinion.as_ref(),
    );
    let job = engine.job(prepared, &json, timestamp, &[]);
    let compiled = match book::BOOK.compiled(&job) {
        Ok(c) => c,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    diags.extend(compiled.warnings.iter().cloned());
    let pages = compiled.doc.pages();
    let hashes: Vec<String> = pages.iter().map(pages::hash).collect();
    let before = engine.previewed(prepared.loaded.root.path(), hashes.clone());
    let documents = PARTS
        .iter()
        .map(|(part, name, file)| {
            let indices = (0..pages.len()).filter(|&i| compiled.parts[i] == *part);
            Document {
                name: name.to_string(),
                file: file.map(str::to_string),
                pages: indices
                    .enumerate()
                    .map(|(k, i)| {
                        let size = pages[i].frame.size();
                        Page {
                            n: k + 1,
                            index: i,
                            sha256: hashes[i].clone(),
                            width_pt: size.x.to_pt(),
                            height_pt: size.y.to_pt(),
                            changed: !before.contains(&hashes[i]),
                            text: text_of(&pages[i].frame),
                        }
                    })
                    .collect(),
            }
        })
        .filter(|d| !d.pages.is_empty())
        .collect();
    Some(Preview {
        documents,
        book_pages: pages.len(),
        compiled,
    })
}

impl Preview {
    /// A PNG of the book's page `index` at `pixel_per_pt` (1.0 = 72 dpi).
    pub fn png(&self, index: usize, pixel_per_pt: f32) -> Result<Vec<u8>, String> {
        let page = self
            .compiled
            .doc
            .pages()
            .get(index)
            .ok_or_else(|| format!("没有第 {} 页", index + 1))?;
        pages::png(page, pixel_per_pt)
    }

    /// Every page shown, in order.
    pub fn pages(&self) -> impl Iterator<Item = &Page> {
        self.documents.iter().flat_map(|d| &d.pages)
    }
}

/// The text of a frame's glyph runs, in the order they were laid out.
fn text_of(frame: &Frame) -> String {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) => out.push_str(t.text.as_str()),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    walk(frame, &mut out);
    out
}
