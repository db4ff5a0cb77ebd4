//! The Word file as the import sees it: paragraphs of styled text pieces,
//! tables of cells, pictures and footnotes, in document order, before any
//! guess about what they mean.

use roxmltree::Node;

use super::numbering::Label;
use super::styles::Resolved;

/// How a run is raised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Vert {
    #[default]
    Base,
    Sup,
    Sub,
}

impl Vert {
    pub fn from_val(v: Option<&str>) -> Vert {
        match v {
            Some("superscript") => Vert::Sup,
            Some("subscript") => Vert::Sub,
            _ => Vert::Base,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text {
        text: String,
        bold: bool,
        vert: Vert,
    },
    /// A line break inside the paragraph (`w:br`, Shift+Enter).
    Break,
    /// A footnote mark; the index into [`Doc::footnotes`].
    Footnote(usize),
    /// A picture; the index into [`Doc::images`].
    Image(usize),
    /// A picture that cannot be kept (a chart, an EMF): what it was.
    Lost(String),
}

#[derive(Clone, Debug, Default)]
pub struct Para {
    /// The paragraph's number in the Word file (1 = the first), counting
    /// every paragraph, also those in tables and text boxes.
    pub n: usize,
    pub pieces: Vec<Piece>,
    pub style: Resolved,
    /// The paragraph's own or its style's outline level (0 = 标题 1).
    pub outline: Option<u8>,
    /// The automatic number or bullet Word shows before the text.
    pub num: Option<Label>,
    pub ilvl: u8,
    pub centered: bool,
    /// A page or section break before the paragraph.
    pub break_before: bool,
    /// The caption category of a SEQ field in the paragraph (`表`, `图`,
    /// `Table`, `Figure`).
    pub seq: Option<String>,
}

impl Para {
    /// The text as a Word user reads it (breaks as spaces, no pictures).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text { text, .. } => s.push_str(text),
                Piece::Break => s.push(' '),
                _ => {}
            }
        }
        s
    }

    /// Whether every visible character is bold (directly or by the style).
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for p in &self.pieces {
            if let Piece::Text { text, bold, .. } = p
                && !text.trim().is_empty()
            {
                any = true;
                if !bold && !self.style.bold {
                    return false;
                }
            }
        }
        any
    }

    pub fn images(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Image(i) => Some(*i),
            _ => None,
        })
    }

    pub fn is_blank(&self) -> bool {
        self.pieces.iter().all(|p| match p {
            Piece::Text { text, .. } => text.trim().is_empty(),
            Piece::Break => true,
            _ => false,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Cell {
    /// Columns the cell spans (`gridSpan`).
    pub span: usize,
    /// A cell continuing the merged cell above (`vMerge` without restart).
    pub merged_above: bool,
    pub paras: Vec<Para>,
}

impl Cell {
    pub fn text(&self) -> String {
        let texts: Vec<String> = self.paras.iter().map(Para::text).collect();
        texts.join("\n")
    }
}

#[derive(Clone, Debug, Default)]
pub struct Row {
    /// Marked to repeat as a header row on each page (`tblHeader`).
    pub header: bool,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The number of the table's first paragraph.
    pub n: usize,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Para(Para),
    Table(Table),
}

/// A picture of the Word file, ready for `img/`.
#[derive(Clone, Debug)]
pub struct Image {
    /// The file name in `img/`.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The width Word shows it at, in EMU.
    pub width_emu: Option<i64>,
}

/// The whole Word file.
#[derive(Default)]
pub struct Doc {
    pub items: Vec<Item>,
    pub footnotes: Vec<Vec<Piece>>,
    pub images: Vec<Image>,
    /// The text width of the first section, in EMU (for figure widths).
    pub text_width_emu: i64,
}

/// The local name of an element (`w:p` → `p`).
pub fn local<'a>(n: Node<'a, '_>) -> &'a str {
    if n.is_element() {
        n.tag_name().name()
    } else {
        ""
    }
}

/// An on/off property: present and not `0`/`false`/`off`.
pub fn is_on(n: Node) -> bool {
    super::package::attr(n, "val").is_none_or(truthy)
}

pub fn truthy(v: &str) -> bool {
    !matches!(v, "0" | "false" | "off" | "none")
}

/// `w:numPr` → (numId, ilvl).
pub fn num_pr(n: Node) -> Option<(String, u8)> {
    let id = n
        .children()
        .find(|c| local(*c) == "numId")
        .and_then(|c| super::package::attr(c, "val"))?;
    let lvl = n
        .children()
        .find(|c| local(*c) == "ilvl")
        .and_then(|c| super::package::attr(c, "val"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id.to_string(), lvl))
}
