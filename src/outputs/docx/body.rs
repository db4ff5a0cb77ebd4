//! The document model (`document::Block`) and the cover as WordprocessingML:
//! paragraphs in the styles of `templates/docx/styles.xml`, tables, inline
//! pictures, footnotes and SEQ fields. Every rule is a style or a Word
//! mechanism (numbering, fields, table properties); the XML here only says
//! which style a paragraph has and what a run holds.

use std::path::Path;

use super::xml::{Sizes, escape, pt_twips, table_start};
use crate::document::{Block, Inline};

/// EMU per point (DrawingML's unit).
const EMU_PER_PT: f64 = 12700.0;

/// What a run carries beside its style: the model's inline marks.
#[derive(Clone, Copy, Default)]
struct Marks {
    bold: bool,
    strike: bool,
    sup: bool,
    sub: bool,
}

impl Marks {
    fn rpr(self) -> String {
        let mut x = String::new();
        if self.bold {
            x += "<w:b/><w:bCs/>";
        }
        if self.strike {
            x += "<w:strike/>";
        }
        if self.sup {
            x += "<w:vertAlign w:val=\"superscript\"/>";
        } else if self.sub {
            x += "<w:vertAlign w:val=\"subscript\"/>";
        }
        if x.is_empty() {
            x
        } else {
            format!("<w:rPr>{x}</w:rPr>")
        }
    }
}

/// A picture embedded in the package.
pub struct Media {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The body of one Word document being written, with what its other parts
/// collect: footnotes, pictures, ordered lists' numbering.
pub struct Writer<'a> {
    pub xml: String,
    pub sizes: &'a Sizes,
    /// Footnotes' XML (`<w:footnote>` elements), id 1 up.
    pub footnotes: Vec<String>,
    pub media: Vec<Media>,
    /// The start number of each ordered list: numbering.xml's `w:num` 3 up.
    pub lists: Vec<u64>,
    /// The document part's relationships (pictures are added as met).
    pub rels: crate::outputs::ooxml::Rels,
    /// `wp:docPr` ids, unique in the document.
    drawings: usize,
    pub read: &'a dyn Fn(&Block) -> Result<Vec<u8>, String>,
    pub errors: Vec<String>,
}

impl<'a> Writer<'a> {
    pub fn new(sizes: &'a Sizes, read: &'a dyn Fn(&Block) -> Result<Vec<u8>, String>) -> Self {
        Writer {
            xml: String::new(),
            sizes,
            footnotes: Vec::new(),
            media: Vec::new(),
            lists: Vec::new(),
            rels: Default::default(),
            drawings: 0,
            read,
            errors: Vec::new(),
        }
    }

    /// A paragraph of `style` with extra paragraph properties (in schema
    /// order after the style) and runs.
    pub fn para(&mut self, style: &str, ppr: &str, runs: &str) {
        self.xml += &para(style, ppr, runs);
    }

    /// The runs of inline content.
    pub fn runs(&mut self, content: &[Inline]) -> String {
        let mut out = String::new();
        self.inlines(content, Marks::default(), &mut out);
        out
    }

    fn inlines(&mut self, content: &[Inline], marks: Marks, out: &mut String) {
        for i in content {
            match i {
                Inline::Text { v } | Inline::Code { v } => *out += &run(v, marks),
                Inline::Strong { c } => self.inlines(
                    c,
                    Marks {
                        bold: true,
                        ..marks
                    },
                    out,
                ),
                // The CJK faces have no italic: emphasis prints as the text
                // itself, as in the PDF.
                Inline::Emph { c } => self.inlines(c, marks, out),
                Inline::Strike { c } => self.inlines(
                    c,
                    Marks {
                        strike: true,
                        ..marks
                    },
                    out,
                ),
                Inline::Sup { c } => self.inlines(c, Marks { sup: true, ..marks }, out),
                Inline::Sub { c } => self.inlines(c, Marks { sub: true, ..marks }, out),
                Inline::Br => *out += "<w:r><w:br/></w:r>",
                Inline::Footnote { c } => *out += &self.footnote(c),
                Inline::FootnoteRef { .. } => {}
            }
        }
    }

    /// A Word footnote: its text in footnotes.xml, its mark here.
    fn footnote(&mut self, content: &[Inline]) -> String {
        let id = self.footnotes.len() + 1;
        let mut text = String::new();
        // A footnote inside a footnote cannot be said in Word: its text
        // prints in place.
        let flat: Vec<Inline> = content
            .iter()
            .map(|i| match i {
                Inline::Footnote { c } => Inline::Strong { c: c.clone() },
                other => other.clone(),
            })
            .collect();
        self.inlines(&flat, Marks::default(), &mut text);
        self.footnotes.push(format!(
            "<w:footnote w:id=\"{id}\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr>\
             <w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>\
             <w:r><w:t xml:space=\"preserve\"> </w:t></w:r>{text}</w:p></w:footnote>"
        ));
        format!(
            "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr>\
             <w:footnoteReference w:id=\"{id}\"/></w:r>"
        )
    }

    /// The body's blocks.
    pub fn blocks(&mut self, blocks: &[Block], indent: u32) {
        for b in blocks {
            self.block(b, indent);
        }
    }

    /// One block; `indent` is a quote's or list item's left indent in twips.
    fn block(&mut self, b: &Block, indent: u32) {
        let ind = if indent > 0 {
            format!("<w:ind w:left=\"{indent}\"/>")
        } else {
            String::new()
        };
        match b {
            Block::Para { content } => {
                let runs = self.runs(content);
                self.para("Normal", &ind, &runs);
            }
            Block::Heading { level, content, .. } => {
                // The number is the multilevel list's (numbering.xml), so Word
                // renumbers; `number` is what the PDF printed, the same.
                let style = format!("Heading{}", (*level).clamp(1, 4) + 1);
                let runs = self.runs(content);
                self.para(&style, "", &runs);
            }
            Block::List {
                ordered,
                start,
                items,
            } => self.list(*ordered, *start, items, 0),
            Block::Table { .. } => self.table(b),
            Block::Figure { .. } => self.figure(b),
            Block::Code { text } => {
                let mut runs = String::new();
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        runs += "<w:r><w:br/></w:r>";
                    }
                    runs += &run(line, Marks::default());
                }
                let ppr = format!("<w:ind w:left=\"{indent}\"/>");
                self.para("PlainText", &ppr, &runs);
            }
            Block::Quote { blocks } => {
                self.blocks(blocks, indent + 2 * self.sizes.indent_char());
            }
            Block::Rule => {
                // A short centred rule, as the PDF draws it: a paragraph's
                // bottom border between wide indents.
                let side = (self.sizes.text_width_twips() as f64 * 0.35) as u32;
                let ppr = format!(
                    "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>\
                     <w:ind w:left=\"{side}\" w:right=\"{side}\"/>"
                );
                self.para("PlainText", &ppr, "");
            }
        }
    }

    /// A list: each item's first paragraph numbered (or bulleted) by
    /// numbering.xml at `level`, its other blocks indented like its text.
    fn list(&mut self, ordered: bool, start: u64, items: &[Vec<Block>], level: u32) {
        let num = if ordered {
            self.lists.push(start);
            self.lists.len() + 2
        } else {
            2
        };
        let level = level.min(8);
        let text_left = 840 + 480 * level;
        for item in items {
            for (j, b) in item.iter().enumerate() {
                match b {
                    Block::Para { content } if j == 0 => {
                        let runs = self.runs(content);
                        let ppr = format!(
                            "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr>"
                        );
                        self.para("ListParagraph", &ppr, &runs);
                    }
                    Block::List {
                        ordered,
                        start,
                        items,
                        ..
                    } => self.list(*ordered, *start, items, level + 1),
                    Block::Para { content } => {
                        let runs = self.runs(content);
                        let ppr = format!("<w:ind w:left=\"{text_left}\"/>");
                        self.para("ListParagraph", &ppr, &runs);
                    }
                    other => self.block(other, text_left),
                }
            }
        }
    }

    /// A caption (B6, B7): `表` or `图`, its number as a SEQ field (Word
    /// renumbers), a space, the writer's caption.
    fn caption(&mut self, label: &str, number: usize, caption: &[Inline], ppr: &str) {
        let mut runs = run(label, Marks::default());
        runs += &field(&format!(" SEQ {label} \\* ARABIC "), &number.to_string());
        runs += &run(" ", Marks::default());
        runs += &self.runs(caption);
        self.para("Caption", ppr, &runs);
    }

    /// A table: its caption above (kept with it), the header row repeated on
    /// every page, columns as wide as the PDF's autofit makes them.
    fn table(&mut self, b: &Block) {
        let Block::Table {
            number,
            caption,
            aligns,
            header,
            rows,
            runs,
            ..
        } = b
        else {
            return;
        };
        let gap = pt_twips(self.sizes.caption_gap);
        self.caption(
            "表",
            *number,
            caption,
            &format!("<w:keepNext/><w:spacing w:after=\"{gap}\"/>"),
        );
        let n = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let size = self.sizes.table;
        let widths = autofit(
            header,
            rows,
            runs,
            n,
            self.sizes.text_width_pt(),
            size,
            4.0 * size,
        );
        let pad = pt_twips(0.3 * size);
        let mut x = table_start(&widths);
        let jc = |i: usize| match aligns.get(i).copied().unwrap_or("center") {
            "left" => "left",
            "right" => "right",
            _ => "center",
        };
        let empty = Vec::new();
        let row = |this: &mut Self, cells: &[Vec<Inline>], head: bool| {
            let mut r = String::from("<w:tr>");
            if head {
                r += "<w:trPr><w:tblHeader/></w:trPr>";
            }
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).unwrap_or(&empty);
                let content = if head {
                    vec![Inline::Strong { c: cell.clone() }]
                } else {
                    cell.clone()
                };
                let runs = this.runs(&content);
                r += &format!(
                    "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/>\
                     <w:tcMar><w:left w:w=\"{pad}\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tcMar>\
                     <w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
                    pt_twips(*w),
                    para("TableText", &format!("<w:jc w:val=\"{}\"/>", jc(i)), &runs)
                );
            }
            r + "</w:tr>"
        };
        if !header.is_empty() {
            x += &row(self, header, true);
        }
        for r in rows {
            x += &row(self, r, false);
        }
        x += "</w:tbl>";
        self.xml += &x;
    }

    /// A figure: the picture inline at its placed width, centred, its
    /// caption below.
    fn figure(&mut self, b: &Block) {
        let Block::Figure {
            number,
            caption,
            px_width,
            px_height,
            width_pt,
            ..
        } = b
        else {
            return;
        };
        match (self.read)(b) {
            Ok(bytes) => {
                let ext = if bytes.starts_with(b"\x89PNG") {
                    "png"
                } else {
                    "jpeg"
                };
                let name = format!("media/image{}.{ext}", self.media.len() + 1);
                let rel = self
                    .rels
                    .add(crate::outputs::ooxml::office("image"), name.clone());
                self.drawings += 1;
                let id = self.drawings;
                let cx = (width_pt * EMU_PER_PT).round() as i64;
                let cy = (width_pt * f64::from(*px_height) / f64::from((*px_width).max(1))
                    * EMU_PER_PT)
                    .round() as i64;
                let descr = escape(&crate::document::plain_text(caption));
                let drawing = format!(
                    "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
                     <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"图 {number}\" descr=\"{descr}\"/>\
                     <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
                     <a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
                     <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"image{id}.{ext}\"/><pic:cNvPicPr/></pic:nvPicPr>\
                     <pic:blipFill><a:blip r:embed=\"{rel}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
                     <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>\
                     <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
                     </a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
                );
                self.media.push(Media { name, bytes });
                self.para("Figure", "", &drawing);
            }
            Err(e) => self.errors.push(e),
        }
        let gap = pt_twips(self.sizes.caption_gap);
        self.caption(
            "图",
            *number,
            caption,
            &format!("<w:spacing w:before=\"{gap}\"/>"),
        );
    }
}

/// A paragraph of `style`.
pub fn para(style: &str, ppr: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{ppr}</w:pPr>{runs}</w:p>")
}

/// A run of plain text: tabs and line feeds become Word's, the zero-width
/// spaces shenbao put into long runs for Typst are taken out (Word breaks a
/// word longer than the line itself, T3).
fn run(text: &str, marks: Marks) -> String {
    let rpr = marks.rpr();
    let text = text.replace('\u{200B}', "");
    let mut out = String::new();
    let mut t = String::new();
    let flush = |t: &mut String, out: &mut String| {
        if !t.is_empty() {
            *out += &format!("<w:t xml:space=\"preserve\">{}</w:t>", escape(t));
            t.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\t' => {
                flush(&mut t, &mut out);
                out.push_str("<w:tab/>");
            }
            '\n' => {
                flush(&mut t, &mut out);
                out.push_str("<w:br/>");
            }
            '\r' => {}
            c => t.push(c),
        }
    }
    flush(&mut t, &mut out);
    if out.is_empty() {
        return String::new();
    }
    format!("<w:r>{rpr}{out}</w:r>")
}

/// Plain text in a run with run properties (`rpr` inside `w:rPr`).
pub fn text_run(text: &str, rpr: &str) -> String {
    let inner = run(text, Marks::default());
    if rpr.is_empty() || inner.is_empty() {
        inner
    } else {
        inner.replacen("<w:r>", &format!("<w:r><w:rPr>{rpr}</w:rPr>"), 1)
    }
}

/// A complex field (`SEQ`, `PAGE`) with its current result, so the
/// document reads right before Word updates it.
pub fn field(instr: &str, result: &str) -> String {
    format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\">{}</w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r><w:t>{}</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        escape(instr),
        escape(result)
    )
}

/// The width of text at `size` pt as the PDF's faces set it, near enough
/// for column widths: CJK and full-width characters one em, the rest 0.6 em
/// (the substitutes' digits are wider than Times New Roman's half em).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .filter(|c| *c != '\u{200B}')
        .map(|c| if (c as u32) < 0x2E80 { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// Column widths as templates/book/body.typ's `autofit` makes them (Word's
/// autofit): each column as wide as its longest line if the table fits;
/// else each gets at least its longest unbreakable run and `floor`, and the
/// rest goes in proportion to what each would still like.
fn autofit(
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    runs: &[String],
    n: usize,
    avail: f64,
    size: f64,
    floor: f64,
) -> Vec<f64> {
    // The cell's padding both sides, and a little more than the PDF's
    // hair: Word and LibreOffice wrap a cell that fits to the point.
    let pad = 2.0 * 0.3 * size + 3.0;
    let cell_w = |c: &[Inline]| {
        crate::document::plain_text(c)
            .split('\n')
            .map(|l| text_width(l, size))
            .fold(0.0, f64::max)
    };
    let maxw: Vec<f64> = (0..n)
        .map(|i| {
            std::iter::once(header.get(i))
                .chain(rows.iter().map(|r| r.get(i)))
                .flatten()
                .map(|c| cell_w(c))
                .fold(0.0, f64::max)
                + pad
        })
        .collect();
    let minw: Vec<f64> = (0..n)
        .map(|i| {
            let run = text_width(runs.get(i).map_or("国", String::as_str), size) + pad;
            maxw[i].min(run.max(floor + pad))
        })
        .collect();
    let total_max: f64 = maxw.iter().sum();
    let total_min: f64 = minw.iter().sum();
    if total_max <= avail {
        maxw
    } else if total_min >= avail {
        minw.iter().map(|w| w / total_min * avail).collect()
    } else {
        let slack: Vec<f64> = maxw.iter().zip(&minw).map(|(a, m)| a - m).collect();
        let ts: f64 = slack.iter().sum();
        minw.iter()
            .zip(&slack)
            .map(|(m, s)| m + (avail - total_min) * (s / ts))
            .collect()
    }
}

/// The cover (C1–C4): the title lines in 封面标题, then the five fields in
/// 封面栏目 at the fixed 40 pt line, each label spread to four characters
/// (character spacing, as Word's 调整宽度 does), a full-width colon, the
/// value from a common x (a hanging indent), underlined, and an underlined
/// tab to the common right edge.
pub fn cover(w: &mut Writer, title_lines: &[String], fields: &[(String, String)], c: &Cover) {
    let s = w.sizes;
    for (i, line) in title_lines.iter().enumerate() {
        let ppr = if i == 0 {
            format!("<w:spacing w:before=\"{}\"/>", pt_twips(c.title_top_pt))
        } else {
            String::new()
        };
        w.para("CoverTitle", &ppr, &text_run(line, ""));
    }
    let title_h = title_lines.len() as f64 * c.title_size * s.line_spacing;
    let before = (c.fields_top_pt - c.title_top_pt - title_h).max(0.0);
    let head = 5.0 * c.field_size;
    let left = pt_twips(c.indent_pt + head);
    let right_edge = pt_twips(s.text_width_pt() - c.indent_pt);
    for (i, (label, value)) in fields.iter().enumerate() {
        let mut ppr = format!("<w:tabs><w:tab w:val=\"right\" w:pos=\"{right_edge}\"/></w:tabs>");
        if i == 0 {
            ppr += &format!("<w:spacing w:before=\"{}\"/>", pt_twips(before));
        }
        ppr += &format!(
            "<w:ind w:left=\"{left}\" w:right=\"{}\" w:hanging=\"{}\"/>",
            pt_twips(c.indent_pt),
            pt_twips(head)
        );
        let chars: Vec<char> = label.chars().collect();
        let mut runs = String::new();
        // Four characters wide: the space a shorter label lacks goes
        // evenly after each character but the last.
        let extra = if chars.len() > 1 && chars.len() < 4 {
            (4 - chars.len()) as f64 * c.field_size / (chars.len() - 1) as f64
        } else {
            0.0
        };
        if extra > 0.0 {
            let spaced: String = chars[..chars.len() - 1].iter().collect();
            let rpr = format!("<w:spacing w:val=\"{}\"/>", pt_twips(extra));
            runs += &text_run(&spaced, &rpr);
            runs += &text_run(&chars[chars.len() - 1].to_string(), "");
        } else {
            runs += &text_run(label, "");
        }
        runs += &text_run("：", "");
        runs += &text_run(value, "<w:u w:val=\"single\"/>");
        runs += "<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:tab/></w:r>";
        w.para("CoverField", &ppr, &runs);
    }
}

/// The cover's geometry from the profile, in pt from the top margin.
pub struct Cover {
    pub title_top_pt: f64,
    pub title_size: f64,
    pub fields_top_pt: f64,
    pub field_size: f64,
    pub indent_pt: f64,
}

/// Reads a figure's picture as PNG or JPEG.
pub fn read_picture(root: &crate::source::jail::Confined, b: &Block) -> Result<Vec<u8>, String> {
    let Block::Figure { src, .. } = b else {
        return Err("不是图片".into());
    };
    let file = root
        .resolve(&src.base, &src.dest)
        .map_err(|d| d.message.clone())?;
    crate::assets::images::png_or_jpeg(Path::new(&file))
        .map_err(|e| format!("无法读取图片 {}：{e}", src.dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_escape_and_keep_every_character() {
        let r = run("<script>&#read(\"/etc/passwd\")\t甲\n乙", Marks::default());
        assert_eq!(
            r,
            "<w:r><w:t xml:space=\"preserve\">&lt;script&gt;&amp;#read(&quot;/etc/passwd&quot;)</w:t>\
             <w:tab/><w:t xml:space=\"preserve\">甲</w:t><w:br/><w:t xml:space=\"preserve\">乙</w:t></w:r>"
        );
        // The break opportunities shenbao adds for Typst are not the writer's.
        assert_eq!(
            run("ab\u{200B}cd", Marks::default()),
            run("abcd", Marks::default())
        );
    }

    #[test]
    fn marks_are_run_properties() {
        let m = Marks {
            bold: true,
            sup: true,
            ..Default::default()
        };
        assert_eq!(
            m.rpr(),
            "<w:rPr><w:b/><w:bCs/><w:vertAlign w:val=\"superscript\"/></w:rPr>"
        );
    }

    #[test]
    fn autofit_fits_a_narrow_table_and_shares_a_wide_one() {
        let cell = |s: &str| vec![Inline::Text { v: s.into() }];
        let header = vec![cell("序号"), cell("项目")];
        let rows = vec![vec![cell("1"), cell("轴承")]];
        let w = autofit(
            &header,
            &rows,
            &["1".into(), "轴承".into()],
            2,
            400.0,
            12.0,
            48.0,
        );
        assert!((w[0] - (24.0 + 10.2)).abs() < 1e-9, "{w:?}");
        let long = vec![vec![cell("1"), cell(&"长".repeat(100))]];
        let w = autofit(
            &header,
            &long,
            &["1".into(), "长".into()],
            2,
            400.0,
            12.0,
            48.0,
        );
        assert!((w.iter().sum::<f64>() - 400.0).abs() < 1e-6, "{w:?}");
    }
}
