//! Text in a shape: runs with their faces, sizes and colours, paragraphs
//! with bullets and exact line pitch.

use super::shapes::solid_fill;
use super::*;

/// How a run looks; every run names its size, colour and faces so the file
/// looks the same whatever the theme.
pub(super) struct RunStyle<'a> {
    pub(super) size: f64,
    pub(super) bold: bool,
    /// `#RRGGBB`.
    pub(super) color: &'a str,
    pub(super) latin: &'a str,
    pub(super) ea: &'a str,
}

impl RunStyle<'_> {
    /// `a:rPr` (or `a:endParaRPr`, the same for a paragraph's end) at `size`.
    pub(super) fn props(&self, tag: &str, size: f64) -> String {
        let latin = escape(self.latin);
        format!(
            "<{tag} lang=\"zh-CN\" altLang=\"en-US\" sz=\"{}\" b=\"{}\" dirty=\"0\">{}\
             <a:latin typeface=\"{latin}\"/><a:ea typeface=\"{}\"/><a:cs typeface=\"{latin}\"/></{tag}>",
            font_size(size),
            u8::from(self.bold),
            solid_fill(self.color),
            escape(self.ea)
        )
    }
}

pub(super) fn role_color(theme: &Theme, role: Role) -> &str {
    match role {
        Role::Title | Role::Heading => &theme.primary,
        Role::Body => &theme.text,
        Role::Caption => &theme.muted,
    }
}

/// The East Asian face: 黑体-like for titles, the body face otherwise.
pub(super) fn role_face(theme: &Theme, role: Role) -> &str {
    match role {
        Role::Title | Role::Heading => &theme.pptx_title_face,
        Role::Body | Role::Caption => &theme.pptx_body_face,
    }
}

/// How a text box's (or a table cell's) paragraphs are set.
pub(super) struct ParaStyle<'a> {
    pub(super) run: RunStyle<'a>,
    /// Line pitch as a multiple of the size.
    pub(super) leading: f64,
    pub(super) align: Align,
    /// Space before each paragraph but the first, in pt.
    pub(super) gap: f64,
    /// How far a bullet's text hangs in per level, in em.
    pub(super) indent: f64,
    /// The bullets' colour, `#RRGGBB`.
    pub(super) bullet: &'a str,
}

/// A text box's paragraphs. A body needs at least one `a:p`, so no
/// paragraphs give one empty paragraph.
pub(super) fn text_body(paras: &[Para], style: &ParaStyle) -> String {
    if paras.is_empty() {
        return paragraph("", 0, true, style);
    }
    paras
        .iter()
        .enumerate()
        .map(|(i, p)| paragraph(&p.text, p.level, i == 0, style))
        .collect()
}

/// One `a:p`: level 0 plain, level 1 a bullet, level 2 a deeper bullet 2 pt
/// smaller. Line breaks within the text become `a:br`.
pub(super) fn paragraph(text: &str, level: u8, first: bool, style: &ParaStyle) -> String {
    let em = style.run.size;
    let size = if level >= 2 { (em - 2.0).max(1.0) } else { em };
    let algn = match style.align {
        Align::Left => "l",
        Align::Center => "ctr",
        Align::Right => "r",
    };
    let mut xml = String::from("<a:p>");
    if level == 0 {
        xml += &format!("<a:pPr marL=\"0\" indent=\"0\" algn=\"{algn}\">");
    } else {
        // The text hangs `indent` em in per level, the mark in the em
        // before it.
        let hang = style.indent * em;
        xml += &format!(
            "<a:pPr marL=\"{}\" lvl=\"{}\" indent=\"{}\" algn=\"{algn}\">",
            emu(hang * f64::from(level)),
            level.min(8),
            -emu(hang)
        );
    }
    xml += &line_spacing(size, style.leading);
    if !first && style.gap > 0.0 {
        xml += &format!(
            "<a:spcBef><a:spcPts val=\"{}\"/></a:spcBef>",
            spacing_points(style.gap)
        );
    }
    if level == 0 {
        xml += "<a:buNone/>";
    } else {
        let mark = BULLETS[usize::from(level >= 2)];
        xml += &format!(
            "<a:buClr><a:srgbClr val=\"{}\"/></a:buClr><a:buFont typeface=\"Arial\"/>\
             <a:buChar char=\"{mark}\"/>",
            rgb(style.bullet)
        );
    }
    xml += "</a:pPr>";

    let rpr = style.run.props("a:rPr", size);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            xml += &format!("<a:br>{rpr}</a:br>");
        }
        if !line.is_empty() {
            xml += &format!("<a:r>{rpr}<a:t>{}</a:t></a:r>", escape(line));
        }
    }
    xml += &style.run.props("a:endParaRPr", size);
    xml + "</a:p>"
}

/// The line pitch, as exact points. The deck's `leading` is the pitch as a
/// multiple of the size (what the PDF is set with); PowerPoint's percentage
/// spacing is a multiple of the font's own line height instead (about 1.3 ×
/// the size for 微软雅黑), which would set the text looser than the layout
/// fitted it.
pub(super) fn line_spacing(size: f64, leading: f64) -> String {
    format!(
        "<a:lnSpc><a:spcPts val=\"{}\"/></a:lnSpc>",
        spacing_points(size * leading)
    )
}

/// A spacing in hundredths of a point, within what PowerPoint takes
/// (ST_TextSpacingPoint: 0 to 1584 pt).
pub(super) fn spacing_points(pt: f64) -> i64 {
    ((pt * 100.0).round() as i64).clamp(0, 158_400)
}

/// A font size in hundredths of a point, within what PowerPoint takes
/// (ST_TextFontSize: 1 to 4000 pt).
pub(super) fn font_size(pt: f64) -> i64 {
    ((pt * 100.0).round() as i64).clamp(100, 400_000)
}
