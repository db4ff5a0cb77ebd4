//! The deck as an editable PowerPoint file (.pptx, Office Open XML). Every
//! item of the laid-out deck (`deck.rs`) becomes a shape at the same place
//! and size as in the PDF: text as text boxes, tables as tables, chart bars
//! and rules as rectangles and lines, so a reader can still edit it.
//!
//! The XML is built as strings. The parts that depend on nothing in the deck
//! (themes, master, layout, notes master, properties) are files in
//! `templates/slides/pptx/`, so a template maintainer can restyle them
//! without Rust; the relationships between parts are written here, since
//! this file fixes the part names.
//!
//! The bytes are deterministic (fixed entry order, fixed timestamps, no
//! creation date): the same deck gives the same file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::deck::{Align, Deck, Item, Para, Rect, Role, Slide, Style, Theme};
use crate::outputs::ooxml::{Package, REL_CORE, Rels, XML_DECL, escape, office, strip_comments};

/// English Metric Units per point: PowerPoint's coordinates.
const EMU_PER_PT: f64 = 12700.0;

/// The namespaces of a PresentationML part (slide, notes, presentation).
const PML_NS: &str = "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
    xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"";

/// The built-in table style "No Style, No Grid": the cells carry their own
/// borders and fills, and PowerPoint adds nothing.
const TABLE_STYLE_NONE: &str = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}";

/// The portrait notes page (7.5 × 10 in), as PowerPoint makes it.
const NOTES_SIZE: (i64, i64) = (6_858_000, 9_144_000);

/// The marks of level-1 and of deeper bullets.
const BULLETS: [&str; 2] = ["•", "–"];
/// How far a table header's fill is the primary colour lightened towards
/// white, as templates/slides/main.typ fills it.
const HEADER_LIGHTEN: f64 = 0.85;

/// A part taken from `templates/slides/pptx/`.
struct StaticPart {
    /// Its file there.
    file: &'static str,
    /// Its name in the package.
    name: &'static str,
    /// Its relationships (type, target), numbered `rId1`, … in this order:
    /// the master's `sldLayoutIdLst` names the layout as `rId1`.
    rels: &'static [(&'static str, &'static str)],
}

const STATIC_PARTS: &[StaticPart] = &[
    StaticPart {
        file: "presProps.xml",
        name: "ppt/presProps.xml",
        rels: &[],
    },
    StaticPart {
        file: "viewProps.xml",
        name: "ppt/viewProps.xml",
        rels: &[],
    },
    StaticPart {
        file: "tableStyles.xml",
        name: "ppt/tableStyles.xml",
        rels: &[],
    },
    StaticPart {
        file: "theme1.xml",
        name: "ppt/theme/theme1.xml",
        rels: &[],
    },
    StaticPart {
        file: "theme2.xml",
        name: "ppt/theme/theme2.xml",
        rels: &[],
    },
    StaticPart {
        file: "slideMaster1.xml",
        name: "ppt/slideMasters/slideMaster1.xml",
        rels: &[
            ("slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("theme", "../theme/theme1.xml"),
        ],
    },
    StaticPart {
        file: "slideLayout1.xml",
        name: "ppt/slideLayouts/slideLayout1.xml",
        rels: &[("slideMaster", "../slideMasters/slideMaster1.xml")],
    },
    StaticPart {
        file: "notesMaster1.xml",
        name: "ppt/notesMasters/notesMaster1.xml",
        rels: &[("theme", "../theme/theme2.xml")],
    },
];

/// `parts(name)` returns the text of a static part below templates/slides/pptx/ (e.g. "theme1.xml"), or None.
/// `read(path)` returns the bytes of a picture file (Item::Picture.file).
pub fn pptx(
    deck: &Deck,
    parts: &dyn Fn(&str) -> Option<String>,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let template = |name: &str| {
        parts(name)
            .map(|text| strip_comments(&text))
            .ok_or_else(|| format!("模板 slides/pptx/{name} 缺失"))
    };
    let mut pkg = Package::default();

    pkg.xml("_rels/.rels", root_rels());
    pkg.xml("docProps/core.xml", core_props(deck));
    pkg.xml("docProps/app.xml", app_props(deck));
    let (presentation, rels) = presentation(deck);
    pkg.part("ppt/presentation.xml", presentation, &rels);
    for part in STATIC_PARTS {
        let mut rels = Rels::default();
        for (kind, target) in part.rels {
            rels.add(office(kind), *target);
        }
        pkg.part(part.name, template(part.file)?, &rels);
    }

    let mut media = Media::default();
    for (i, slide) in deck.slides.iter().enumerate() {
        let n = i + 1;
        let (xml, rels) = slide_part(&deck.theme, &deck.style, slide, n, &mut media, read)?;
        pkg.part(&format!("ppt/slides/slide{n}.xml"), xml, &rels);
    }
    for (i, slide) in deck.slides.iter().enumerate() {
        let n = i + 1;
        let mut rels = Rels::default();
        rels.add(office("notesMaster"), "../notesMasters/notesMaster1.xml");
        rels.add(office("slide"), format!("../slides/slide{n}.xml"));
        let name = format!("ppt/notesSlides/notesSlide{n}.xml");
        pkg.part(&name, notes_part(&slide.notes), &rels);
    }
    for (i, image) in media.images.into_iter().enumerate() {
        pkg.binary(Media::part_name(i, image.ext), image.bytes);
    }
    pkg.finish()
}

fn root_rels() -> String {
    let mut rels = Rels::default();
    rels.add(office("officeDocument"), "ppt/presentation.xml");
    rels.add(REL_CORE, "docProps/core.xml");
    rels.add(office("extended-properties"), "docProps/app.xml");
    rels.xml()
}

/// Title and author; no dates, which would change the bytes on every run.
fn core_props(deck: &Deck) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language>\
         </cp:coreProperties>",
        escape(&deck.title),
        escape(&deck.company)
    )
}

fn app_props(deck: &Deck) -> String {
    let n = deck.slides.len();
    format!(
        "{XML_DECL}<Properties \
         xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>shenbao</Application><Slides>{n}</Slides><Notes>{n}</Notes>\
         <Company>{}</Company></Properties>",
        escape(&deck.company)
    )
}

/// `ppt/presentation.xml` and its relationships: the master, the notes
/// master, the slides in order, the page sizes.
fn presentation(deck: &Deck) -> (String, Rels) {
    let mut rels = Rels::default();
    let master = rels.add(office("slideMaster"), "slideMasters/slideMaster1.xml");
    let notes_master = rels.add(office("notesMaster"), "notesMasters/notesMaster1.xml");
    rels.add(office("theme"), "theme/theme1.xml");
    rels.add(office("presProps"), "presProps.xml");
    rels.add(office("viewProps"), "viewProps.xml");
    rels.add(office("tableStyles"), "tableStyles.xml");

    let mut xml = format!(
        "{XML_DECL}<p:presentation {PML_NS} saveSubsetFonts=\"1\">\
         <p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"{master}\"/></p:sldMasterIdLst>\
         <p:notesMasterIdLst><p:notesMasterId r:id=\"{notes_master}\"/></p:notesMasterIdLst>"
    );
    if !deck.slides.is_empty() {
        xml += "<p:sldIdLst>";
        for n in 1..=deck.slides.len() {
            let id = rels.add(office("slide"), format!("slides/slide{n}.xml"));
            // Slide ids start at 256 (the schema's minimum).
            xml += &format!("<p:sldId id=\"{}\" r:id=\"{id}\"/>", 255 + n);
        }
        xml += "</p:sldIdLst>";
    }
    xml += &format!(
        "<p:sldSz cx=\"{}\" cy=\"{}\"/><p:notesSz cx=\"{}\" cy=\"{}\"/>",
        emu(deck.width),
        emu(deck.height),
        NOTES_SIZE.0,
        NOTES_SIZE.1
    );
    // What a text box a reader adds starts from: the theme's body faces.
    xml += "<p:defaultTextStyle><a:defPPr><a:defRPr lang=\"zh-CN\"/></a:defPPr>\
            <a:lvl1pPr marL=\"0\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" \
            latinLnBrk=\"0\" hangingPunct=\"1\"><a:defRPr sz=\"1800\" kern=\"1200\">\
            <a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/>\
            <a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl1pPr>\
            </p:defaultTextStyle></p:presentation>";
    (xml, rels)
}

/// The pictures of the deck, each stored once however often it is shown.
#[derive(Default)]
struct Media {
    images: Vec<Image>,
    by_path: HashMap<PathBuf, usize>,
}

struct Image {
    /// `png` or `jpeg`: the part's extension, which gives its content type.
    ext: &'static str,
    bytes: Vec<u8>,
}

impl Media {
    /// The index of the picture at `file`, read the first time it is seen.
    fn add(
        &mut self,
        file: &Path,
        format: &str,
        read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
    ) -> Result<usize, String> {
        if let Some(&i) = self.by_path.get(file) {
            return Ok(i);
        }
        let ext = match format.to_ascii_lowercase().as_str() {
            "png" => "png",
            "jpeg" | "jpg" => "jpeg",
            _ => {
                return Err(format!(
                    "图片 {} 的格式 {format} 无法放入 PPTX（只支持 PNG 和 JPEG）",
                    file.display()
                ));
            }
        };
        let bytes = read(file).map_err(|e| format!("读取图片 {} 失败：{e}", file.display()))?;
        self.images.push(Image { ext, bytes });
        self.by_path
            .insert(file.to_path_buf(), self.images.len() - 1);
        Ok(self.images.len() - 1)
    }

    fn file_name(i: usize, ext: &str) -> String {
        format!("image{}.{ext}", i + 1)
    }

    fn part_name(i: usize, ext: &str) -> String {
        format!("ppt/media/{}", Self::file_name(i, ext))
    }
}

// ---------------------------------------------------------------------------
// Slides and notes.

/// A slide's XML and its relationships.
fn slide_part(
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
fn sp_tree(shapes: &str) -> String {
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
fn notes_part(notes: &str) -> String {
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

// ---------------------------------------------------------------------------
// Shapes.

/// A slide's shapes, with the ids they take (the shape tree is id 1).
struct Shapes {
    xml: String,
    next_id: u32,
}

impl Default for Shapes {
    fn default() -> Self {
        Self {
            xml: String::new(),
            next_id: 2,
        }
    }
}

impl Shapes {
    /// The next shape's `p:cNvPr`, named as PowerPoint names them ("文本 3"
    /// for id 4).
    fn c_nv_pr(&mut self, kind: &str, descr: Option<&str>) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let descr = descr.map_or(String::new(), |d| format!(" descr=\"{}\"", escape(d)));
        format!("<p:cNvPr id=\"{id}\" name=\"{kind} {}\"{descr}/>", id - 1)
    }

    fn text_box(&mut self, rect: Rect, anchor: &str, body: &str) {
        let c_nv_pr = self.c_nv_pr("文本", None);
        self.xml += &format!(
            "<p:sp><p:nvSpPr>{c_nv_pr}<p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr>\
             <p:spPr>{}{RECT_GEOM}<a:noFill/></p:spPr>\
             <p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" \
             rtlCol=\"0\" anchor=\"{anchor}\"><a:normAutofit/></a:bodyPr><a:lstStyle/>{body}</p:txBody></p:sp>",
            xfrm(rect, "a:xfrm", "")
        );
    }

    fn picture(&mut self, rect: Rect, embed: &str, descr: &str) {
        let c_nv_pr = self.c_nv_pr("图片", Some(descr));
        self.xml += &format!(
            "<p:pic><p:nvPicPr>{c_nv_pr}<p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr>\
             <p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed=\"{embed}\"/>\
             <a:stretch><a:fillRect/></a:stretch></p:blipFill>\
             <p:spPr>{}{RECT_GEOM}</p:spPr></p:pic>",
            xfrm(rect, "a:xfrm", "")
        );
    }

    fn table(&mut self, rect: Rect, tbl: &str) {
        let c_nv_pr = self.c_nv_pr("表格", None);
        self.xml += &format!(
            "<p:graphicFrame><p:nvGraphicFramePr>{c_nv_pr}<p:cNvGraphicFramePr>\
             <a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>\
             {}<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">\
             {tbl}</a:graphicData></a:graphic></p:graphicFrame>",
            xfrm(rect, "p:xfrm", "")
        );
    }

    fn rect(&mut self, rect: Rect, fill: &str) {
        let c_nv_pr = self.c_nv_pr("矩形", None);
        self.xml += &format!(
            "<p:sp><p:nvSpPr>{c_nv_pr}<p:cNvSpPr/><p:nvPr/></p:nvSpPr>\
             <p:spPr>{}{RECT_GEOM}{}<a:ln><a:noFill/></a:ln></p:spPr></p:sp>",
            xfrm(rect, "a:xfrm", ""),
            solid_fill(fill)
        );
    }

    /// A line from `a` to `b`. Its box must have a non-negative size, so a
    /// line drawn leftwards or upwards is the box's diagonal, flipped.
    fn line(&mut self, a: (f64, f64), b: (f64, f64), width: f64, color: &str) {
        let c_nv_pr = self.c_nv_pr("直线", None);
        let rect = Rect {
            x: a.0.min(b.0),
            y: a.1.min(b.1),
            w: (b.0 - a.0).abs(),
            h: (b.1 - a.1).abs(),
        };
        let mut flips = String::new();
        if b.0 < a.0 {
            flips += " flipH=\"1\"";
        }
        if b.1 < a.1 {
            flips += " flipV=\"1\"";
        }
        self.xml += &format!(
            "<p:cxnSp><p:nvCxnSpPr>{c_nv_pr}<p:cNvCxnSpPr/><p:nvPr/></p:nvCxnSpPr>\
             <p:spPr>{}<a:prstGeom prst=\"line\"><a:avLst/></a:prstGeom>\
             <a:ln w=\"{}\">{}</a:ln></p:spPr></p:cxnSp>",
            xfrm(rect, "a:xfrm", &flips),
            emu(width).max(0),
            solid_fill(color)
        );
    }
}

const RECT_GEOM: &str = "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>";

/// A position and size (`a:xfrm`, or `p:xfrm` for a graphic frame).
fn xfrm(rect: Rect, tag: &str, attrs: &str) -> String {
    format!(
        "<{tag}{attrs}><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></{tag}>",
        emu(rect.x),
        emu(rect.y),
        emu(rect.w).max(0),
        emu(rect.h).max(0)
    )
}

fn solid_fill(color: &str) -> String {
    format!(
        "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
        rgb(color)
    )
}

// ---------------------------------------------------------------------------
// Text.

/// How a run looks; every run names its size, colour and faces so the file
/// looks the same whatever the theme.
struct RunStyle<'a> {
    size: f64,
    bold: bool,
    /// `#RRGGBB`.
    color: &'a str,
    latin: &'a str,
    ea: &'a str,
}

impl RunStyle<'_> {
    /// `a:rPr` (or `a:endParaRPr`, the same for a paragraph's end) at `size`.
    fn props(&self, tag: &str, size: f64) -> String {
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

fn role_color(theme: &Theme, role: Role) -> &str {
    match role {
        Role::Title | Role::Heading => &theme.primary,
        Role::Body => &theme.text,
        Role::Caption => &theme.muted,
    }
}

/// The East Asian face: 黑体-like for titles, the body face otherwise.
fn role_face(theme: &Theme, role: Role) -> &str {
    match role {
        Role::Title | Role::Heading => &theme.pptx_title_face,
        Role::Body | Role::Caption => &theme.pptx_body_face,
    }
}

/// How a text box's (or a table cell's) paragraphs are set.
struct ParaStyle<'a> {
    run: RunStyle<'a>,
    /// Line pitch as a multiple of the size.
    leading: f64,
    align: Align,
    /// Space before each paragraph but the first, in pt.
    gap: f64,
    /// How far a bullet's text hangs in per level, in em.
    indent: f64,
    /// The bullets' colour, `#RRGGBB`.
    bullet: &'a str,
}

/// A text box's paragraphs. A body needs at least one `a:p`, so no
/// paragraphs give one empty paragraph.
fn text_body(paras: &[Para], style: &ParaStyle) -> String {
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
fn paragraph(text: &str, level: u8, first: bool, style: &ParaStyle) -> String {
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
fn line_spacing(size: f64, leading: f64) -> String {
    format!(
        "<a:lnSpc><a:spcPts val=\"{}\"/></a:lnSpc>",
        spacing_points(size * leading)
    )
}

/// A spacing in hundredths of a point, within what PowerPoint takes
/// (ST_TextSpacingPoint: 0 to 1584 pt).
fn spacing_points(pt: f64) -> i64 {
    ((pt * 100.0).round() as i64).clamp(0, 158_400)
}

/// A font size in hundredths of a point, within what PowerPoint takes
/// (ST_TextFontSize: 1 to 4000 pt).
fn font_size(pt: f64) -> i64 {
    ((pt * 100.0).round() as i64).clamp(100, 400_000)
}

// ---------------------------------------------------------------------------
// Tables.

/// An `Item::Table`, borrowed.
struct Table<'a> {
    rect: Rect,
    size: f64,
    /// Cell inset (pt) and line pitch (× size).
    pad: f64,
    leading: f64,
    cols: &'a [f64],
    row_h: &'a [f64],
    header: &'a [String],
    rows: &'a [Vec<String>],
    numeric: &'a [bool],
}

impl Table<'_> {
    /// The column widths in pt: the layout's, or (should it give none) the
    /// width shared by as many columns as the widest row has.
    fn widths(&self) -> Vec<f64> {
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
    fn xml(&self, theme: &Theme) -> String {
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
    fn cell(&self, theme: &Theme, text: &str, header: bool, numeric: bool) -> String {
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

// ---------------------------------------------------------------------------
// Units and escaping.

/// Points to EMU, rounded to the nearest unit.
fn emu(pt: f64) -> i64 {
    (pt * EMU_PER_PT).round() as i64
}

/// `#RRGGBB` → `RRGGBB` as `a:srgbClr` takes it; black for anything else
/// (a broken colour should not make the file unreadable).
fn rgb(color: &str) -> String {
    let hex = color.trim().trim_start_matches('#');
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        hex.to_ascii_uppercase()
    } else {
        "000000".to_string()
    }
}

/// `#RRGGBB` moved `amount` (0–1) of the way to white, channel by channel
/// (Typst's `lighten` on an RGB colour).
fn lighten(color: &str, amount: f64) -> String {
    let hex = rgb(color);
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0));
        (c + (255.0 - c) * amount).round() as u8
    };
    format!("#{:02X}{:02X}{:02X}", channel(0), channel(2), channel(4))
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read as _};

    use super::super::deck::Kind;
    use super::*;

    #[test]
    fn converts_points_to_emu() {
        assert_eq!(emu(1.0), 12_700);
        assert_eq!(emu(960.0), 12_192_000);
        assert_eq!(emu(540.0), 6_858_000);
        assert_eq!(emu(0.5), 6_350);
        assert_eq!(emu(-2.0), -25_400);
        assert_eq!(font_size(10.5), 1050);
    }

    #[test]
    fn normalises_colours() {
        assert_eq!(rgb("#1f4e79"), "1F4E79");
        assert_eq!(rgb("C00000"), "C00000");
        assert_eq!(rgb("red"), "000000");
        assert_eq!(lighten("#1F4E79", 0.85), "#DDE4EB");
        assert_eq!(lighten("#FFFFFF", 0.5), "#FFFFFF");
    }

    #[test]
    fn flips_lines_drawn_backwards() {
        let mut shapes = Shapes::default();
        shapes.line((100.0, 50.0), (40.0, 80.0), 1.0, "#000000");
        let xml = &shapes.xml;
        assert!(xml.contains("<a:xfrm flipH=\"1\"><a:off x=\"508000\" y=\"635000\"/>"));
        assert!(xml.contains("<a:ext cx=\"762000\" cy=\"381000\"/>"));
        assert!(!xml.contains("flipV"));
        assert!(xml.contains("<a:ln w=\"12700\">"));
    }

    #[test]
    fn pads_short_table_rows() {
        let theme = sample().theme;
        let header = ["指标".to_string(), "2023".to_string()];
        let rows = [vec!["产值".to_string()]];
        let table = Table {
            rect: Rect {
                x: 0.0,
                y: 0.0,
                w: 200.0,
                h: 60.0,
            },
            size: 12.0,
            pad: 5.0,
            leading: 1.3,
            cols: &[120.0, 80.0],
            row_h: &[30.0, 30.0],
            header: &header,
            rows: &rows,
            numeric: &[false, true],
        };
        let xml = table.xml(&theme);
        assert_eq!(xml.matches("<a:tr ").count(), 2);
        assert_eq!(xml.matches("<a:tc>").count(), 4);
        assert!(xml.contains("algn=\"r\""));
        // The header's fill, the primary colour lightened.
        assert_eq!(xml.matches("<a:srgbClr val=\"DDE4EB\"/>").count(), 2);
    }

    fn sample() -> Deck {
        let rect = Rect {
            x: 48.0,
            y: 40.0,
            w: 864.0,
            h: 60.0,
        };
        let theme = Theme {
            primary: "#1F4E79".into(),
            accent: "#C00000".into(),
            text: "#222222".into(),
            muted: "#7F7F7F".into(),
            series: vec!["#2E75B6".into()],
            pptx_title_face: "黑体".into(),
            pptx_body_face: "微软雅黑".into(),
            pptx_latin_face: "Arial".into(),
        };
        let slide = Slide {
            kind: Kind::Content,
            title: "质量管理 & <创新>".into(),
            notes: "第一行\n第二行".into(),
            items: vec![
                Item::Text {
                    rect,
                    role: Role::Title,
                    size: 28.0,
                    leading: 1.2,
                    align: Align::Left,
                    color: None,
                    bold: true,
                    paras: vec![Para {
                        text: "质量管理 & <创新>".into(),
                        level: 0,
                    }],
                },
                Item::Picture {
                    rect,
                    path: "/material/img/a.png".into(),
                    file: PathBuf::from("a.png"),
                    format: "png".into(),
                },
                Item::Line {
                    x1: 48.0,
                    y1: 100.0,
                    x2: 912.0,
                    y2: 100.0,
                    width: 1.5,
                    color: "#C00000".into(),
                },
            ],
        };
        Deck {
            width: 960.0,
            height: 540.0,
            title: "标杆".into(),
            company: "某某公司".into(),
            theme,
            logo: None,
            style: Style {
                para_gap: 0.45,
                indent: 1.2,
                cell_pad: 5.0,
                cell_leading: 1.3,
            },
            slides: vec![slide.clone(), slide],
        }
    }

    fn build(deck: &Deck) -> Vec<u8> {
        let parts = |name: &str| Some(format!("<?xml version=\"1.0\"?>\n<!-- {name} --><x/>"));
        let read = |_: &Path| Ok(b"\x89PNG fake".to_vec());
        pptx(deck, &parts, &read).expect("pptx")
    }

    #[test]
    fn writes_every_part_deterministically() {
        let deck = sample();
        let bytes = build(&deck);
        assert_eq!(bytes, build(&deck), "a second run gives other bytes");

        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let names: Vec<String> = zip
            .file_names()
            .map(|n| n.expect("UTF-8 name").into_owned())
            .collect();
        assert_eq!(names[0], "[Content_Types].xml");
        for part in [
            "_rels/.rels",
            "docProps/core.xml",
            "docProps/app.xml",
            "ppt/presentation.xml",
            "ppt/_rels/presentation.xml.rels",
            "ppt/theme/theme1.xml",
            "ppt/theme/theme2.xml",
            "ppt/slideMasters/slideMaster1.xml",
            "ppt/slideLayouts/slideLayout1.xml",
            "ppt/notesMasters/notesMaster1.xml",
            "ppt/slides/slide2.xml",
            "ppt/slides/_rels/slide2.xml.rels",
            "ppt/notesSlides/notesSlide2.xml",
            "ppt/notesSlides/_rels/notesSlide2.xml.rels",
            "ppt/media/image1.png",
        ] {
            assert!(names.iter().any(|n| n == part), "{part} missing");
        }
        // The picture on both slides is stored once.
        assert_eq!(
            names.iter().filter(|n| n.starts_with("ppt/media/")).count(),
            1
        );

        let mut read = |name: &str| {
            let mut text = String::new();
            zip.by_name(name)
                .expect(name)
                .read_to_string(&mut text)
                .expect(name);
            text
        };
        let types = read("[Content_Types].xml");
        assert!(types.contains("PartName=\"/ppt/slides/slide2.xml\""));
        assert!(types.contains("Extension=\"png\""));
        assert!(!types.contains("Extension=\"jpeg\""));
        assert_eq!(
            read("ppt/theme/theme1.xml"),
            "<?xml version=\"1.0\"?>\n<x/>"
        );
        let slide = read("ppt/slides/slide1.xml");
        assert!(slide.contains("质量管理 &amp; &lt;创新&gt;"));
        assert!(slide.contains("<a:ea typeface=\"黑体\"/>"));
        assert!(slide.contains("<a:srgbClr val=\"1F4E79\"/>"));
        assert!(read("docProps/core.xml").contains("<dc:creator>某某公司</dc:creator>"));
        assert!(read("ppt/notesSlides/notesSlide1.xml").contains("<a:t>第二行</a:t>"));
    }

    #[test]
    fn reports_missing_templates_and_pictures() {
        let deck = sample();
        let read = |_: &Path| Ok(Vec::new());
        let err = pptx(&deck, &|_| None, &read).unwrap_err();
        assert!(err.contains("slides/pptx/"), "{err}");
        let parts = |_: &str| Some(String::from("<x/>"));
        let missing = |_: &Path| Err(std::io::Error::from(std::io::ErrorKind::NotFound));
        let err = pptx(&deck, &parts, &missing).unwrap_err();
        assert!(err.starts_with("读取图片 a.png 失败："), "{err}");
    }
}
