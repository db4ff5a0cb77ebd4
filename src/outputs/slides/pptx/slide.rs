//! A slide's part (its shapes from the laid-out items, its pictures' and
//! notes' relationships) and its notes page.

use super::text::{ParaStyle, RunStyle, role_color, role_face, text_body};
use super::*;

/// A slide's XML and its relationships.
pub(super) fn slide_part(
    theme: &Theme,
    text_style: &Style,
    slide: &Slide,
    n: usize,
    media: &mut Media,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<(String, Rels), String> {
    let mut rels = Rels::default();
    rels.add(office("slideLayout"), "../slideLayouts/slideLayout1.xml");
    rels.add(
        office("notesSlide"),
        format!("../notesSlides/notesSlide{n}.xml"),
    );
    // Media index → this slide's relationship id.
    let mut embeds: HashMap<usize, String> = HashMap::new();
    let mut shapes = Shapes::default();

    for item in &slide.items {
        match item {
            Item::Text {
                rect,
                role,
                size,
                leading,
                align,
                color,
                bold,
                paras,
            } => {
                let style = ParaStyle {
                    run: RunStyle {
                        size: *size,
                        bold: *bold,
                        color: color.as_deref().unwrap_or_else(|| role_color(theme, *role)),
                        latin: &theme.pptx_latin_face,
                        ea: role_face(theme, *role),
                    },
                    leading: *leading,
                    align: *align,
                    gap: text_style.para_gap * size,
                    indent: text_style.indent,
                    bullet: &theme.accent,
                };
                // Titles sit in the middle of their box, as in the PDF.
                let anchor = match role {
                    Role::Title | Role::Heading => "ctr",
                    Role::Body | Role::Caption => "t",
                };
                shapes.text_box(*rect, anchor, &text_body(paras, &style));
            }
            Item::Picture {
                rect,
                path,
                file,
                format,
            } => {
                let i = media.add(file, format, read)?;
                let ext = media.images[i].ext;
                let embed = embeds.entry(i).or_insert_with(|| {
                    rels.add(
                        office("image"),
                        format!("../media/{}", Media::file_name(i, ext)),
                    )
                });
                // The file's name is the best alternative text we have.
                let descr = path.rsplit('/').next().unwrap_or(path);
                shapes.picture(*rect, embed, descr);
            }
            Item::Table {
                rect,
                size,
                cols,
                row_h,
                header,
                rows,
                numeric,
            } => {
                // A table with no row at all has nothing to show (and an
                // empty `a:tbl` is not one PowerPoint would make).
                if header.is_empty() && rows.is_empty() {
                    continue;
                }
                let table = Table {
                    rect: *rect,
                    size: *size,
                    pad: text_style.cell_pad,
                    leading: text_style.cell_leading,
                    cols,
                    row_h,
                    header,
                    rows,
                    numeric,
                };
                shapes.table(*rect, &table.xml(theme));
            }
            Item::Box { rect, fill } => shapes.rect(*rect, fill),
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => shapes.line((*x1, *y1), (*x2, *y2), *width, color),
        }
    }

    let xml = format!(
        "{XML_DECL}<p:sld {PML_NS}><p:cSld>{}</p:cSld>\
         <p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>",
        sp_tree(&shapes.xml)
    );
    Ok((xml, rels))
}

/// A shape tree: the group every slide's shapes sit in (id 1), then them.
pub(super) fn sp_tree(shapes: &str) -> String {
    format!(
        "<p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>\
         <p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/>\
         <a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>\
         {shapes}</p:spTree>"
    )
}

/// A notes page: the slide's picture and, in the standard body placeholder
/// (where PowerPoint and python-pptx look for them), the speaker's notes,
/// a paragraph per line.
pub(super) fn notes_part(notes: &str) -> String {
    let rpr = "<a:rPr lang=\"zh-CN\" altLang=\"en-US\" dirty=\"0\"/>";
    let end = "<a:endParaRPr lang=\"zh-CN\" altLang=\"en-US\" dirty=\"0\"/>";
    let mut paras = String::new();
    for line in notes.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        paras += "<a:p>";
        if !line.is_empty() {
            paras += &format!("<a:r>{rpr}<a:t>{}</a:t></a:r>", escape(line));
        }
        paras += end;
        paras += "</a:p>";
    }
    let shapes = format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"幻灯片图像占位符 1\"/>\
         <p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr>\
         <p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>\
         <p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"备注占位符 2\"/>\
         <p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>\
         <p:nvPr><p:ph type=\"body\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/>\
         <p:txBody><a:bodyPr/><a:lstStyle/>{paras}</p:txBody></p:sp>"
    );
    format!(
        "{XML_DECL}<p:notes {PML_NS}><p:cSld>{}</p:cSld>\
         <p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>",
        sp_tree(&shapes)
    )
}
