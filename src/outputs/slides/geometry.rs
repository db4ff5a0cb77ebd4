//! The deck's geometry: `templates/slides/layout.yaml` as read — the page,
//! each kind of slide's boxes, the sizes text may shrink to.

use serde::Deserialize;

use super::deck::Rect;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Geometry {
    pub page: Size,
    pub title: Sized,
    pub rule: RuleGeom,
    pub body: Rect,
    pub text: TextGeom,
    pub beside: Beside,
    pub caption: CaptionGeom,
    pub table: TableGeom,
    pub chart: ChartGeom,
    pub footer: FooterGeom,
    pub logo: Rect,
    pub cover: CoverGeom,
    pub section: SectionGeom,
    /// The deck's font's widths, set once the fonts are known.
    #[serde(skip)]
    pub widths: super::measure::Widths,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Sized {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub size: f64,
    pub min_size: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RuleGeom {
    pub y: f64,
    pub width: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TextGeom {
    pub size: f64,
    pub min_size: f64,
    pub leading: f64,
    pub gap: f64,
    pub indent: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Beside {
    pub gap: f64,
    pub text_share: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CaptionGeom {
    pub size: f64,
    pub h: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TableGeom {
    pub size: f64,
    pub min_size: f64,
    pub pad: f64,
    pub leading: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChartGeom {
    pub cols: usize,
    pub rows: usize,
    pub gap: f64,
    pub label_size: f64,
    pub value_size: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FooterGeom {
    pub y: f64,
    pub h: f64,
    pub size: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CoverGeom {
    pub band_y: f64,
    pub band_h: f64,
    pub title_size: f64,
    pub min_size: f64,
    pub sub_size: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SectionGeom {
    pub size: f64,
}
