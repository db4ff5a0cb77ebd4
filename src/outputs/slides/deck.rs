//! The deck, laid out: every slide as positioned items, in points on a
//! 16:9 page. Both files are drawn from this one layout, so the PDF
//! (`templates/slides/`, Typst) and the PowerPoint file (`pptx/`) show the
//! same text in the same boxes at the same sizes.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use crate::material::slides::{Kind, Para};

/// A rectangle in pt, from the page's top-left corner.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A colour of the theme, as `#RRGGBB`.
pub type Rgb = String;

#[derive(Debug, Clone, Serialize)]
pub struct Deck {
    /// Page size in pt (960 × 540 is PowerPoint's 16:9).
    pub width: f64,
    pub height: f64,
    /// 标杆名称, for the PDF's title and the PPTX's core properties.
    pub title: String,
    pub company: String,
    pub theme: Theme,
    /// How text is set in both files (from `layout.yaml`).
    pub style: Style,
    /// The logo's picture (on every content slide), if any.
    pub logo: Option<String>,
    pub slides: Vec<Slide>,
}

/// How text is set, beside where: both files set it alike.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Style {
    /// Space between a text box's paragraphs, in em of the box's size.
    pub para_gap: f64,
    /// How far a bullet's text hangs in, per level, in em.
    pub indent: f64,
    /// Table cells: inset on every side (pt) and line pitch (× size).
    pub cell_pad: f64,
    pub cell_leading: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    /// Titles, rules, the title slide's band.
    pub primary: Rgb,
    /// Accent rule, first chart series.
    pub accent: Rgb,
    pub text: Rgb,
    /// Footer, captions, axis labels.
    pub muted: Rgb,
    /// Chart series after the first.
    pub series: Vec<Rgb>,
    /// The faces named in the PPTX (a Windows machine has them); the PDF is
    /// set in what fonts.rs found.
    pub pptx_title_face: String,
    pub pptx_body_face: String,
    pub pptx_latin_face: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slide {
    pub kind: Kind,
    /// The slide's title as the contents and the outline name it.
    pub title: String,
    /// The speaker's script.
    pub notes: String,
    pub items: Vec<Item>,
}

/// What a text box is, for its face and colour.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A slide's title: 黑体.
    Title,
    /// The title slide's and a divider's big line: 黑体.
    Heading,
    /// Bullets and table cells: sans.
    Body,
    /// Captions, chart labels, footer: sans, muted.
    Caption,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Item {
    /// A text box: its paragraphs at one size (already fitted: nothing
    /// overflows the box at this size and line pitch).
    Text {
        rect: Rect,
        role: Role,
        size: f64,
        /// Line pitch as a multiple of the size.
        leading: f64,
        align: Align,
        /// `#RRGGBB`; the role's colour when None.
        color: Option<Rgb>,
        bold: bool,
        paras: Vec<Para>,
    },
    /// A picture scaled to fit `rect` (already of the picture's aspect).
    Picture {
        rect: Rect,
        /// Its path in the Typst world (`/material/img/a.png`).
        path: String,
        /// The file itself, for the PPTX.
        #[serde(skip)]
        file: PathBuf,
        /// `png` or `jpeg`.
        format: String,
    },
    /// A table: header row first, every row as tall as `row_h` says.
    Table {
        rect: Rect,
        size: f64,
        cols: Vec<f64>,
        row_h: Vec<f64>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Right-aligned columns (numbers).
        numeric: Vec<bool>,
    },
    /// A filled rectangle (chart bars, the title band).
    Box { rect: Rect, fill: Rgb },
    /// A straight rule (axes, the accent line).
    Line {
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        width: f64,
        color: Rgb,
    },
}
