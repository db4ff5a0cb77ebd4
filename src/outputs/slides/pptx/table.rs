//! A table item as a PresentationML table: column widths, header fill,
//! numeric cells aligned right.

use super::shapes::solid_fill;
use super::text::{ParaStyle, RunStyle, paragraph};
use super::*;

/// An `Item::Table`, borrowed.
pub(super) struct Table<'a> {
    pub(super) rect: Rect,
    pub(super) size: f64,
    /// Cell inset (pt) and line pitch (× size).
    pub(super) pad: f64,
    pub(super) leading: f64,
    pub(super) cols: &'a [f64],
    pub(super) row_h: &'a [f64],
    pub(super) header: &'a [String],
    pub(super) rows: &'a [Vec<String>],
    pub(super) numeric: &'a [bool],
}

impl Table<'_> {
    /// The column widths in pt: the layout's, or (should it give none) the
    /// width shared by as many columns as the widest row has.
    pub(super) fn widths(&self) -> Vec<f64> {
        if !self.cols.is_empty() {
            return self.cols.to_vec();
        }
        let n = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len()])
            .max()
            .unwrap_or(0);
        vec![self.rect.w / n.max(1) as f64; n.max(1)]
    }

    /// The `a:tbl`: the header row (when there is one) in bold, then the
    /// rows, each cell bordered thinly; a row with fewer cells than there
    /// are columns is padded with empty ones (a row must fill the grid).
    pub(super) fn xml(&self, theme: &Theme) -> String {
        let widths = self.widths();
        let mut xml = format!(
            "<a:tbl><a:tblPr firstRow=\"1\"><a:tableStyleId>{TABLE_STYLE_NONE}</a:tableStyleId></a:tblPr><a:tblGrid>"
        );
        for w in &widths {
            xml += &format!("<a:gridCol w=\"{}\"/>", emu(*w).max(0));
        }
        xml += "</a:tblGrid>";

        // `row_h` starts with the header's height.
        let header = (!self.header.is_empty()).then_some((0, self.header, true));
        let body = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.as_slice(), false));
        for (i, cells, is_header) in header.into_iter().chain(body) {
            let height = self.row_h.get(i).copied().unwrap_or(self.size * 2.0);
            xml += &format!("<a:tr h=\"{}\">", emu(height).max(0));
            for col in 0..widths.len() {
                let text = cells.get(col).map_or("", String::as_str);
                let numeric = self.numeric.get(col).copied().unwrap_or(false);
                xml += &self.cell(theme, text, is_header, numeric);
            }
            xml += "</a:tr>";
        }
        xml + "</a:tbl>"
    }

    /// A cell: the header's bold in the primary colour on a light fill, as
    /// in the PDF; numbers right-aligned; half-point rules all round.
    pub(super) fn cell(&self, theme: &Theme, text: &str, header: bool, numeric: bool) -> String {
        let style = ParaStyle {
            run: RunStyle {
                size: self.size,
                bold: header,
                color: if header { &theme.primary } else { &theme.text },
                latin: &theme.pptx_latin_face,
                ea: &theme.pptx_body_face,
            },
            leading: self.leading,
            align: if numeric { Align::Right } else { Align::Left },
            gap: 0.0,
            indent: 0.0,
            bullet: &theme.accent,
        };
        let paras: String = text
            .split('\n')
            .enumerate()
            .map(|(i, line)| paragraph(line, 0, i == 0, &style))
            .collect();
        let border = solid_fill(&theme.muted);
        let borders: String = ["a:lnL", "a:lnR", "a:lnT", "a:lnB"]
            .iter()
            .map(|tag| format!("<{tag} w=\"6350\" cmpd=\"sng\">{border}</{tag}>"))
            .collect();
        let fill = if header {
            solid_fill(&lighten(&theme.primary, HEADER_LIGHTEN))
        } else {
            "<a:noFill/>".to_string()
        };
        // The layout made each row its lines' pitch plus the inset above and
        // below, so the text, centred, fills the row as the layout measured.
        let inset = emu(self.pad);
        format!(
            "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{paras}</a:txBody>\
             <a:tcPr marL=\"{inset}\" marR=\"{inset}\" marT=\"{inset}\" marB=\"{inset}\" \
             anchor=\"ctr\">{borders}{fill}</a:tcPr></a:tc>"
        )
    }
}
