//! The document model: a material's parts as blocks and inlines, the data
//! the templates and every renderer read (B5–B7). The Markdown parser
//! (`markdown`) makes it; `assets` and `layout` fill in what they decide
//! (a picture's path and size, a figure's printed width, a column's
//! unbreakable run). It is data: it reaches Typst as JSON and is rendered as
//! content, so nothing a writer types can run as Typst code.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Inline {
    Text {
        v: String,
    },
    Strong {
        c: Vec<Inline>,
    },
    Emph {
        c: Vec<Inline>,
    },
    Strike {
        c: Vec<Inline>,
    },
    Sup {
        c: Vec<Inline>,
    },
    Sub {
        c: Vec<Inline>,
    },
    Code {
        v: String,
    },
    Br,
    /// A footnote, printed at the page foot (宋体 小五) with its mark here.
    Footnote {
        c: Vec<Inline>,
    },
    /// A footnote mark before its definition is known (`[^label]`); never
    /// leaves the parser.
    #[serde(skip)]
    FootnoteRef {
        label: String,
    },
}

impl Inline {
    /// The inlines a span wraps (bold, scripts, a footnote's text), for the
    /// passes that walk the whole tree.
    pub fn children_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Sup { c }
            | Inline::Sub { c }
            | Inline::Footnote { c } => Some(c),
            Inline::Text { .. } | Inline::Code { .. } | Inline::Br | Inline::FootnoteRef { .. } => {
                None
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// `level` 1 = （一）, 2 = 1., 3 = （1）, 4 = ①.
    Heading {
        level: u8,
        number: String,
        content: Vec<Inline>,
    },
    Para {
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Table {
        number: usize,
        caption: Vec<Inline>,
        aligns: Vec<&'static str>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        /// Per column, its longest unbreakable run: the least width the
        /// template's autofit gives it (settled by `layout::settle_alignments`).
        runs: Vec<String>,
        /// Where the table starts, for the caption rule (V3).
        #[serde(skip)]
        span: Option<crate::diag::Span>,
    },
    Figure {
        number: usize,
        caption: Vec<Inline>,
        /// The picture as the writer named it, resolved by `assets`.
        #[serde(skip)]
        src: ImageSrc,
        /// Path in the Typst world (`/material/…`), set by `assets`.
        path: String,
        px_width: u32,
        px_height: u32,
        /// Resolution saved in the file, for the natural size.
        #[serde(skip)]
        dpi: Option<f64>,
        /// Width asked for in the title (`"width=60%"`), as a ratio of the text width or in pt.
        width: Option<Width>,
        /// The printed width, settled by `layout::place_figures`.
        width_pt: f64,
        #[serde(skip)]
        span: Option<crate::diag::Span>,
    },
    Code {
        text: String,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Rule,
}

/// A picture's path as typed (`img/a.png`), relative to `base`, the folder
/// of the file it was typed in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageSrc {
    pub base: std::path::PathBuf,
    pub dest: String,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Width {
    Ratio(f64),
    Pt(f64),
}

/// Numbering that runs through the whole document (B7) and per part (B5).
#[derive(Default)]
pub struct Counters {
    pub tables: usize,
    pub figures: usize,
}

/// The text of inlines, without markup (a footnote's text counts, as Word
/// counts it).
pub fn plain_text(content: &[Inline]) -> String {
    let mut s = String::new();
    for i in content {
        match i {
            Inline::Text { v } | Inline::Code { v } => s.push_str(v),
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Sup { c }
            | Inline::Sub { c } => s.push_str(&plain_text(c)),
            Inline::Br => s.push('\n'),
            // Footnotes count toward their part's 字数, as Word counts them.
            Inline::Footnote { c } => s.push_str(&plain_text(c)),
            Inline::FootnoteRef { .. } => {}
        }
    }
    s
}

/// The text of blocks as printed, without markup or the tool's numbering,
/// one block per line.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Para { content } => {
                out.push_str(&plain_text(content));
            }
            Block::List { items, .. } => {
                for item in items {
                    out.push_str(&blocks_text(item));
                }
            }
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                out.push_str(&plain_text(caption));
                for cell in header.iter().chain(rows.iter().flatten()) {
                    out.push('\n');
                    out.push_str(&plain_text(cell));
                }
            }
            Block::Figure { caption, .. } => out.push_str(&plain_text(caption)),
            Block::Code { text } => out.push_str(text),
            Block::Quote { blocks } => out.push_str(&blocks_text(blocks)),
            Block::Rule => {}
        }
        out.push('\n');
    }
    out
}
