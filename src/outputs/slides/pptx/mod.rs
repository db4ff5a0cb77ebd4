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
//!
//! This file writes the package's own parts (presentation, properties,
//! pictures); `slide` a slide and its notes page; `shapes`, `text` and
//! `table` what a slide holds. The zip, content types, relationships and
//! XML escaping are `outputs::ooxml`'s, shared with the Word files.

mod shapes;
mod slide;
mod table;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::deck::{Align, Deck, Item, Para, Rect, Role, Slide, Style, Theme};
use crate::outputs::ooxml::{
    Package, REL_CORE, Rels, XML_DECL, core_props, escape, office, strip_comments,
};
use shapes::{Shapes, emu, lighten, rgb};
use slide::{notes_part, slide_part};
use table::Table;

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
    pkg.xml("docProps/core.xml", core_props(&deck.title, &deck.company));
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

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read as _};

    use super::super::deck::Kind;
    use super::text::font_size;
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
