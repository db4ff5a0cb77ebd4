//! document.xml (with its styles, numbering, footnotes, comments and media)
//! → [`Doc`]: every paragraph, table and picture in order, with what Word
//! shows and nothing Word hides. What is dropped or reshaped on the way is
//! noted where it happened.

use std::collections::HashMap;

use roxmltree::Node;

use super::ImportError;
use super::numbering::Numbering;
use super::package::{Package, Rel, attr, parse};
use super::report::{At, Kind, Note, first_words};
use super::styles::Styles;
use super::symbols;
use super::word::{Cell, Doc, Image, Item, Para, Piece, Row, Table, Vert, is_on, local, num_pr};

/// Most nesting of tables, text boxes and content controls followed; a
/// hostile file cannot exhaust the stack.
const MAX_DEPTH: usize = 24;

/// A field being read: its instruction, whether its result is shown yet,
/// and whether that result is kept.
struct Field {
    instr: String,
    result: bool,
    drop: Option<Kind>,
}

pub struct Reader<'p> {
    pkg: &'p mut Package,
    file: String,
    styles: Styles,
    numbering: Numbering,
    rels: HashMap<String, Rel>,
    footnote_src: HashMap<String, Vec<Piece>>,
    endnote_src: HashMap<String, Vec<Piece>>,
    comments: HashMap<String, String>,
    image_by_target: HashMap<String, usize>,
    fields: Vec<Field>,
    para_no: usize,
    depth: usize,
    /// Paragraphs of text boxes met inside the current paragraph.
    boxes: Vec<Item>,
    pub doc: Doc,
    pub notes: Vec<Note>,
    dropped_toc: usize,
    toc_at: Option<At>,
    /// What the current paragraph lost to a dropped field.
    dropped_here: Option<Kind>,
}

impl<'p> Reader<'p> {
    /// Reads the main document of `pkg`.
    pub fn read(pkg: &'p mut Package, file: &str) -> Result<(Doc, Vec<Note>), ImportError> {
        let main = pkg.main_part()?;
        let limits = pkg.limits();
        let dir = main
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default();
        let rels = pkg.rels(&main)?;
        let part_of = |kind: &str, fallback: &str| {
            rels.values()
                .find(|r| r.kind.ends_with(kind) && !r.external)
                .map(|r| r.target.clone())
                .unwrap_or_else(|| format!("{dir}/{fallback}"))
        };
        let styles_part = part_of("/styles", "styles.xml");
        let numbering_part = part_of("/numbering", "numbering.xml");
        let footnotes_part = part_of("/footnotes", "footnotes.xml");
        let endnotes_part = part_of("/endnotes", "endnotes.xml");
        let comments_part = part_of("/comments", "comments.xml");

        let styles = match pkg.read_xml_text(&styles_part)? {
            Some(t) => Styles::parse(parse(&styles_part, &t, limits)?.root_element()),
            None => Styles::default(),
        };
        let numbering = match pkg.read_xml_text(&numbering_part)? {
            Some(t) => Numbering::parse(parse(&numbering_part, &t, limits)?.root_element()),
            None => Numbering::default(),
        };
        let mut r = Reader {
            pkg,
            file: file.to_string(),
            styles,
            numbering,
            rels: HashMap::new(),
            footnote_src: HashMap::new(),
            endnote_src: HashMap::new(),
            comments: HashMap::new(),
            image_by_target: HashMap::new(),
            fields: Vec::new(),
            para_no: 0,
            depth: 0,
            boxes: Vec::new(),
            doc: Doc {
                text_width_emu: 8306 * 635,
                ..Doc::default()
            },
            notes: Vec::new(),
            dropped_toc: 0,
            toc_at: None,
            dropped_here: None,
        };
        r.footnote_src = r.notes_part(&footnotes_part, "footnote")?;
        r.endnote_src = r.notes_part(&endnotes_part, "endnote")?;
        if let Some(t) = r.pkg.read_xml_text(&comments_part)? {
            let doc = parse(&comments_part, &t, limits)?;
            for c in doc
                .root_element()
                .children()
                .filter(|c| local(*c) == "comment")
            {
                if let Some(id) = attr(c, "id") {
                    let text: String = c
                        .descendants()
                        .filter(|d| local(*d) == "t")
                        .filter_map(|d| d.text())
                        .collect();
                    r.comments.insert(id.to_string(), text);
                }
            }
        }
        r.header_footer_text(&rels)?;
        r.rels = rels;
        let text = r
            .pkg
            .read_xml_text(&main)?
            .ok_or_else(|| ImportError::NotDocx("文件里没有 Word 正文".into()))?;
        let doc = parse(&main, &text, limits)?;
        let body = doc
            .root_element()
            .children()
            .find(|c| local(*c) == "body")
            .ok_or_else(|| ImportError::NotDocx("Word 正文里没有 body".into()))?;
        if let Some(sect) = body.children().find(|c| local(*c) == "sectPr") {
            r.section(sect);
        }
        let mut items = Vec::new();
        r.blocks(body, &mut items);
        r.flush_toc();
        r.doc.items = items;
        Ok((r.doc, r.notes))
    }

    fn note(&mut self, kind: Kind, at: Option<At>, text: Option<String>) {
        self.notes.push(Note { kind, at, text });
    }

    fn at(&self, words: &str) -> At {
        At {
            file: self.file.clone(),
            paragraph: self.para_no,
            words: first_words(words),
        }
    }

    /// The text width of the last section (the body's), for figure widths.
    fn section(&mut self, sect: Node) {
        let twips = |n: Option<Node>, a: &str| {
            n.and_then(|n| attr(n, a))
                .and_then(|v| v.parse::<f64>().ok())
                .map(|v| v as i64)
        };
        let size = sect.children().find(|c| local(*c) == "pgSz");
        let mar = sect.children().find(|c| local(*c) == "pgMar");
        if let (Some(w), Some(l), Some(r)) =
            (twips(size, "w"), twips(mar, "left"), twips(mar, "right"))
            && w > l + r
        {
            self.doc.text_width_emu = (w - l - r) * 635;
        }
    }

    /// footnotes.xml or endnotes.xml: id → its text, paragraphs joined.
    fn notes_part(
        &mut self,
        part: &str,
        element: &str,
    ) -> Result<HashMap<String, Vec<Piece>>, ImportError> {
        let mut out = HashMap::new();
        let Some(text) = self.pkg.read_xml_text(part)? else {
            return Ok(out);
        };
        let limits = self.pkg.limits();
        let doc = parse(part, &text, limits)?;
        for f in doc
            .root_element()
            .children()
            .filter(|c| local(*c) == element)
        {
            // Separators are Word's own lines, not notes.
            if attr(f, "type").is_some_and(|t| t != "normal") {
                continue;
            }
            let Some(id) = attr(f, "id") else { continue };
            let mut pieces = Vec::new();
            for p in f.children().filter(|c| local(*c) == "p") {
                let mut para = Para::default();
                self.inlines(p, &mut para);
                if !pieces.is_empty() && !para.is_blank() {
                    pieces.push(Piece::Text {
                        text: " ".into(),
                        bold: false,
                        vert: Vert::Base,
                    });
                }
                pieces.extend(para.pieces.into_iter().filter(|p| {
                    !matches!(p, Piece::Image(_) | Piece::Footnote(_) | Piece::Lost(_))
                }));
            }
            trim_pieces(&mut pieces);
            out.insert(id.to_string(), pieces);
        }
        Ok(out)
    }

    /// Headers and footers: their text (other than page numbers) is not
    /// imported, and said so.
    fn header_footer_text(&mut self, rels: &HashMap<String, Rel>) -> Result<(), ImportError> {
        let mut parts: Vec<String> = rels
            .values()
            .filter(|r| !r.external && (r.kind.ends_with("/header") || r.kind.ends_with("/footer")))
            .map(|r| r.target.clone())
            .collect();
        parts.sort();
        parts.dedup();
        let limits = self.pkg.limits();
        for part in parts {
            let Some(text) = self.pkg.read_xml_text(&part)? else {
                continue;
            };
            let doc = parse(&part, &text, limits)?;
            let mut words = Vec::new();
            for p in doc.descendants().filter(|c| local(*c) == "p") {
                let mut para = Para::default();
                self.inlines(p, &mut para);
                let t = para.text();
                if !t.trim().is_empty() {
                    words.push(t.trim().to_string());
                }
            }
            self.fields.clear();
            let all: String = words.concat();
            let only_page_words = all
                .chars()
                .all(|c| c.is_whitespace() || "第页共/-—－".contains(c));
            if only_page_words && !all.is_empty() {
                // `第 PAGE 页 共 NUMPAGES 页`: page numbers, which the body has.
                self.note(Kind::PageField, None, Some(all));
            } else if !words.is_empty() {
                self.note(Kind::HeaderFooter, None, Some(words.join(" / ")));
            }
        }
        Ok(())
    }

    /// Block-level content: paragraphs, tables, content controls.
    fn blocks(&mut self, parent: Node, out: &mut Vec<Item>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for n in parent.children().filter(|c| c.is_element()) {
            match local(n) {
                "p" => {
                    let para = self.paragraph(n);
                    let boxes = std::mem::take(&mut self.boxes);
                    if let Some(p) = para {
                        out.push(Item::Para(p));
                    }
                    out.extend(boxes);
                }
                "tbl" => {
                    if let Some(t) = self.table(n) {
                        out.push(Item::Table(t));
                    }
                }
                "sdt" => {
                    let toc = n.descendants().any(|d| {
                        local(d) == "docPartGallery"
                            && attr(d, "val").is_some_and(|v| v.contains("Table of Contents"))
                    });
                    if let Some(content) = n.children().find(|c| local(*c) == "sdtContent") {
                        if toc {
                            let mut skipped = Vec::new();
                            self.blocks(content, &mut skipped);
                            let texts: Vec<String> = skipped
                                .iter()
                                .filter_map(|i| match i {
                                    Item::Para(p) if !p.is_blank() => Some(p.text()),
                                    _ => None,
                                })
                                .collect();
                            if !texts.is_empty() {
                                let at = self.at(&texts[0]);
                                self.note(Kind::Toc, Some(at), Some(format!("{} 行", texts.len())));
                            }
                        } else {
                            self.blocks(content, out);
                        }
                    }
                }
                "customXml" | "ins" | "moveTo" | "smartTag" => self.blocks(n, out),
                "AlternateContent" => {
                    if let Some(c) = choice(n) {
                        self.blocks(c, out);
                    }
                }
                _ => {}
            }
        }
        self.depth -= 1;
    }

    /// Ends a table of contents read as a field across paragraphs.
    fn flush_toc(&mut self) {
        if self.dropped_toc > 0 {
            let at = self.toc_at.take();
            let n = std::mem::take(&mut self.dropped_toc);
            self.note(Kind::Toc, at, Some(format!("{n} 行")));
        }
    }

    fn paragraph(&mut self, p: Node) -> Option<Para> {
        self.para_no += 1;
        let mut para = Para {
            n: self.para_no,
            ..Para::default()
        };
        let mut style_id = None;
        let mut own_num = None;
        let mut own_outline = None;
        let mut centered = None;
        if let Some(ppr) = p.children().find(|c| local(*c) == "pPr") {
            for c in ppr.children().filter(|c| c.is_element()) {
                match local(c) {
                    "pStyle" => style_id = attr(c, "val").map(str::to_string),
                    "numPr" => own_num = num_pr(c),
                    "outlineLvl" => own_outline = attr(c, "val").and_then(|v| v.parse::<u8>().ok()),
                    "jc" => centered = Some(attr(c, "val") == Some("center")),
                    "pageBreakBefore" => para.break_before |= is_on(c),
                    "sectPr" => {}
                    _ => {}
                }
            }
        }
        para.style = self.styles.resolve(style_id.as_deref());
        para.outline = own_outline.filter(|&l| l < 9).or(para.style.outline);
        para.centered = centered.unwrap_or(para.style.centered);
        let in_toc_before = self.in_dropped(Kind::Toc);
        let was = self.para_no;
        self.dropped_here = None;
        self.inlines(p, &mut para);
        match self.dropped_here.take() {
            Some(Kind::Toc) => {
                if self.dropped_toc == 0 {
                    self.toc_at = Some(At {
                        file: self.file.clone(),
                        paragraph: was,
                        words: "目录".into(),
                    });
                }
                self.dropped_toc += 1;
            }
            Some(kind) => {
                let at = self.at(&para.text());
                self.note(kind, Some(at), None);
            }
            None => {}
        }
        // Text boxes inside count their own paragraphs; this one keeps its number.
        para.n = was;
        let num = own_num.or_else(|| para.style.num.clone());
        if let Some((id, lvl)) = num
            && id != "0"
        {
            para.ilvl = lvl;
            para.num = self.numbering.next(&id, lvl);
        }
        if para.style.kind == super::styles::StyleKind::Toc {
            // An entry of a table of contents typed or kept without its field.
            if !para.is_blank() {
                if self.dropped_toc == 0 {
                    self.toc_at = Some(self.at(&para.text()));
                }
                self.dropped_toc += 1;
            }
            return None;
        }
        let in_toc_after = self.in_dropped(Kind::Toc);
        if (in_toc_before || in_toc_after) && para.is_blank() && para.images().next().is_none() {
            return None;
        }
        if !in_toc_after && self.dropped_toc > 0 {
            self.flush_toc();
        }
        Some(para)
    }

    fn in_dropped(&self, kind: Kind) -> bool {
        self.fields.iter().any(|f| f.drop == Some(kind))
    }

    /// Whether text read now is shown by Word and kept by the import.
    fn shown(&self) -> bool {
        self.fields.iter().all(|f| f.result && f.drop.is_none())
    }

    /// Text of a dropped field's result: a TOC line or a page number.
    fn dropping(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        if let Some(kind) = self.fields.iter().rev().find_map(|f| f.drop) {
            self.dropped_here = Some(kind);
        }
    }

    /// Inline content of a paragraph (or of a hyperlink, insertion, control…).
    fn inlines(&mut self, parent: Node, para: &mut Para) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for n in parent.children().filter(|c| c.is_element()) {
            match local(n) {
                "r" => self.run(n, para),
                "hyperlink" | "smartTag" | "customXml" | "dir" | "bdo" | "moveTo" => {
                    self.inlines(n, para)
                }
                "ins" => {
                    let before = para.text().chars().count();
                    self.inlines(n, para);
                    let t: String = para.text().chars().skip(before).collect();
                    if !t.trim().is_empty() {
                        let at = self.at(&para.text());
                        self.note(Kind::Inserted, Some(at), Some(t));
                    }
                }
                "del" | "moveFrom" => {
                    let t: String = n
                        .descendants()
                        .filter(|d| matches!(local(*d), "delText" | "t"))
                        .filter_map(|d| d.text())
                        .collect();
                    if !t.trim().is_empty() {
                        let at = self.at(&para.text());
                        self.note(Kind::Deleted, Some(at), Some(t));
                    }
                }
                "sdt" => {
                    if let Some(c) = n.children().find(|c| local(*c) == "sdtContent") {
                        self.inlines(c, para);
                    }
                }
                "fldSimple" => {
                    let instr = attr(n, "instr").unwrap_or("").to_string();
                    let drop = field_drop(&instr);
                    if let Some(cat) = seq_category(&instr) {
                        para.seq = Some(cat);
                    }
                    match drop {
                        Some(Kind::PageField) => {}
                        Some(kind) => {
                            let t: String = n
                                .descendants()
                                .filter(|d| local(*d) == "t")
                                .filter_map(|d| d.text())
                                .collect();
                            if !t.trim().is_empty() {
                                let at = self.at(&t);
                                self.note(kind, Some(at), Some(t));
                            }
                        }
                        None => self.inlines(n, para),
                    }
                }
                "oMath" | "oMathPara" => {
                    let mut t = String::new();
                    math_text(n, &mut t, 0);
                    if !t.is_empty() && self.shown() {
                        push_text(para, &t, false, Vert::Base);
                        let at = self.at(&para.text());
                        self.note(Kind::Equation, Some(at), Some(t));
                    }
                }
                "AlternateContent" => {
                    if let Some(c) = choice(n) {
                        self.inlines(c, para);
                    }
                }
                _ => {}
            }
        }
        self.depth -= 1;
    }

    fn run(&mut self, r: Node, para: &mut Para) {
        let mut bold = None;
        let mut vert = None;
        let mut hidden = false;
        let mut font = String::new();
        if let Some(rpr) = r.children().find(|c| local(*c) == "rPr") {
            for c in rpr.children().filter(|c| c.is_element()) {
                match local(c) {
                    "rFonts" => {
                        font = attr(c, "ascii")
                            .or_else(|| attr(c, "hAnsi"))
                            .unwrap_or("")
                            .to_string()
                    }
                    "b" => bold = Some(is_on(c)),
                    "vertAlign" => vert = Some(Vert::from_val(attr(c, "val"))),
                    "vanish" | "specVanish" => hidden = is_on(c),
                    "rStyle" => {
                        if let Some(id) = attr(c, "val") {
                            let (b, v) = self.styles.char_props(id);
                            bold = bold.or(b);
                            vert = vert.or(v);
                        }
                    }
                    _ => {}
                }
            }
        }
        let bold = bold.unwrap_or(false);
        let vert = vert.unwrap_or_default();
        for c in r.children().filter(|c| c.is_element()) {
            match local(c) {
                "fldChar" => match attr(c, "fldCharType") {
                    Some("begin") => self.fields.push(Field {
                        instr: String::new(),
                        result: false,
                        drop: None,
                    }),
                    Some("separate") => {
                        if let Some(f) = self.fields.last_mut() {
                            f.result = true;
                            f.drop = field_drop(&f.instr);
                            if let Some(cat) = seq_category(&f.instr) {
                                para.seq = Some(cat);
                            }
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(f) = self.fields.last_mut()
                        && !f.result
                    {
                        f.instr.push_str(c.text().unwrap_or(""));
                    }
                }
                "t" => {
                    let t = c.text().unwrap_or("");
                    if !self.shown() {
                        self.dropping(t);
                    } else if hidden {
                        if !t.trim().is_empty() {
                            let at = self.at(&para.text());
                            self.note(Kind::Hidden, Some(at), Some(t.to_string()));
                        }
                    } else if t.chars().any(|c| ('\u{F000}'..='\u{F0FF}').contains(&c)) {
                        // A symbol font's character typed as its private
                        // code (how LibreOffice saves Insert → Symbol).
                        let mut out = String::new();
                        for ch in t.chars() {
                            if ('\u{F000}'..='\u{F0FF}').contains(&ch) {
                                match symbols::map(&font, &format!("{:04X}", ch as u32)) {
                                    Some(m) => out.push(m),
                                    None => {
                                        let at = self.at(&para.text());
                                        self.note(
                                            Kind::Symbol,
                                            Some(at),
                                            Some(format!("{font} {:04X}", ch as u32)),
                                        );
                                    }
                                }
                            } else {
                                out.push(ch);
                            }
                        }
                        push_text(para, &out, bold, vert);
                    } else {
                        push_text(para, t, bold, vert);
                    }
                }
                "tab" | "ptab" if self.shown() && !hidden => push_text(para, "\t", bold, vert),
                "br" | "cr" if self.shown() && !hidden => {
                    if matches!(attr(c, "type"), Some("page") | Some("column")) {
                        para.pieces.push(Piece::Break);
                        // A page break inside a paragraph ends the cover.
                        para.break_before |= para.is_blank();
                    } else {
                        para.pieces.push(Piece::Break);
                    }
                }
                "noBreakHyphen" if self.shown() => push_text(para, "-", bold, vert),
                "sym" if self.shown() => {
                    let font = attr(c, "font").unwrap_or("");
                    let code = attr(c, "char").unwrap_or("");
                    match symbols::map(font, code) {
                        Some(ch) => push_text(para, &ch.to_string(), bold, vert),
                        None => {
                            let at = self.at(&para.text());
                            self.note(Kind::Symbol, Some(at), Some(format!("{font} {code}")));
                        }
                    }
                }
                "footnoteReference" | "endnoteReference" => {
                    let end = local(c) == "endnoteReference";
                    let id = attr(c, "id").unwrap_or("");
                    let src = if end {
                        self.endnote_src.get(id)
                    } else {
                        self.footnote_src.get(id)
                    };
                    if let Some(pieces) = src.cloned() {
                        self.doc.footnotes.push(pieces);
                        para.pieces
                            .push(Piece::Footnote(self.doc.footnotes.len() - 1));
                        if end {
                            let at = self.at(&para.text());
                            self.note(Kind::Endnote, Some(at), None);
                        }
                    }
                }
                "commentReference" => {
                    let id = attr(c, "id").unwrap_or("");
                    let text = self.comments.get(id).cloned().unwrap_or_default();
                    let at = self.at(&para.text());
                    self.note(Kind::Comment, Some(at), Some(text));
                }
                "drawing" | "pict" | "object" if self.shown() => self.graphic(c, para),
                "AlternateContent" => {
                    if let Some(ch) = choice(c) {
                        // A choice holds run content (drawing, pict).
                        let mut inner = Para::default();
                        for g in ch.children().filter(|g| g.is_element()) {
                            if matches!(local(g), "drawing" | "pict" | "object") {
                                self.graphic(g, &mut inner);
                            }
                        }
                        para.pieces.extend(inner.pieces);
                    }
                }
                "ruby" => {
                    if let Some(base) = c.children().find(|g| local(*g) == "rubyBase") {
                        self.inlines(base, para);
                    }
                }
                _ => {}
            }
        }
    }

    /// A drawing, VML picture or embedded object: its pictures and text boxes.
    fn graphic(&mut self, g: Node, para: &mut Para) {
        let width = g
            .descendants()
            .find(|d| local(*d) == "extent")
            .and_then(|d| attr(d, "cx"))
            .and_then(|v| v.parse::<i64>().ok());
        for d in g.descendants().filter(|d| d.is_element()) {
            match local(d) {
                "blip" | "imagedata" if !d.ancestors().any(|a| local(a) == "txbxContent") => {
                    // (A picture inside a text box is read with the box.)
                    let id = attr(d, "embed").or_else(|| attr(d, "id"));
                    if let Some(id) = id
                        && let Some(piece) = self.picture(id, width)
                    {
                        para.pieces.push(piece);
                    }
                }
                "graphicData" => {
                    let uri = attr(d, "uri").unwrap_or("");
                    if uri.contains("/chart") {
                        para.pieces.push(Piece::Lost("图表".into()));
                        let at = self.at(&para.text());
                        self.note(Kind::Chart, Some(at), None);
                    } else if uri.contains("/diagram") {
                        para.pieces.push(Piece::Lost("SmartArt".into()));
                        let at = self.at(&para.text());
                        self.note(Kind::Chart, Some(at), Some("SmartArt 图形".into()));
                    }
                }
                "txbxContent" => {
                    // Only the outermost text box content: inner ones are
                    // read with it.
                    if d.ancestors().skip(1).any(|a| local(a) == "txbxContent") {
                        continue;
                    }
                    let mut items = Vec::new();
                    self.blocks(d, &mut items);
                    let text: Vec<String> = items
                        .iter()
                        .filter_map(|i| match i {
                            Item::Para(p) if !p.is_blank() => Some(p.text()),
                            _ => None,
                        })
                        .collect();
                    if !text.is_empty() {
                        let at = self.at(&para.text());
                        self.note(Kind::TextBox, Some(at), Some(first_words(&text.join(" "))));
                    }
                    self.boxes.extend(items);
                }
                _ => {}
            }
        }
    }

    /// A picture by relationship id, stored once however often it is shown.
    fn picture(&mut self, rel_id: &str, width: Option<i64>) -> Option<Piece> {
        let rel = self.rels.get(rel_id)?.clone();
        if rel.external {
            return None;
        }
        if let Some(&i) = self.image_by_target.get(&rel.target) {
            return Some(Piece::Image(i));
        }
        let bytes = match self.pkg.read(&rel.target) {
            Ok(Some(b)) => b,
            _ => return None,
        };
        let stem = rel
            .target
            .rsplit('/')
            .next()
            .and_then(|f| f.rsplit_once('.').map(|(s, _)| s).or(Some(f)))
            .unwrap_or("image")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect::<String>();
        let stem = if stem.is_empty() {
            "image".to_string()
        } else {
            stem
        };
        let kind = super::images::sniff(&bytes);
        // GIF, BMP and WebP become PNG; PNG and JPEG stay as they are.
        let (bytes, ext) = match kind {
            super::images::Kind::Png => (bytes, "png"),
            super::images::Kind::Jpeg => (bytes, "jpg"),
            super::images::Kind::Metafile(name) => {
                let at = self.at("");
                self.note(Kind::Metafile, Some(at), Some(name.to_string()));
                return Some(Piece::Lost(name.to_string()));
            }
            super::images::Kind::Convert(name) => match super::images::to_png(&bytes) {
                Some(png) => {
                    let at = self.at("");
                    self.note(Kind::Converted, Some(at), Some(format!("{stem}（{name}）")));
                    (png, "png")
                }
                None => {
                    let at = self.at("");
                    self.note(
                        Kind::Metafile,
                        Some(at),
                        Some(format!("{name}（无法解码）")),
                    );
                    return Some(Piece::Lost(name.to_string()));
                }
            },
            super::images::Kind::Unknown => {
                let at = self.at("");
                self.note(Kind::Metafile, Some(at), Some("未知格式".into()));
                return Some(Piece::Lost("图片".into()));
            }
        };
        let mut name = format!("{stem}.{ext}");
        let mut k = 2;
        while self.doc.images.iter().any(|i| i.name == name) {
            name = format!("{stem}-{k}.{ext}");
            k += 1;
        }
        self.doc.images.push(Image {
            name,
            bytes,
            width_emu: width,
        });
        let i = self.doc.images.len() - 1;
        self.image_by_target.insert(rel.target, i);
        Some(Piece::Image(i))
    }

    fn table(&mut self, tbl: Node) -> Option<Table> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let mut table = Table {
            n: self.para_no + 1,
            rows: Vec::new(),
        };
        for tr in elements_through(tbl, "tr") {
            let header = tr
                .children()
                .find(|c| local(*c) == "trPr")
                .and_then(|p| p.children().find(|c| local(*c) == "tblHeader"))
                .is_some_and(is_on);
            let mut row = Row {
                header,
                cells: Vec::new(),
            };
            for tc in elements_through(tr, "tc") {
                let mut cell = Cell {
                    span: 1,
                    ..Cell::default()
                };
                if let Some(pr) = tc.children().find(|c| local(*c) == "tcPr") {
                    for c in pr.children().filter(|c| c.is_element()) {
                        match local(c) {
                            "gridSpan" => {
                                cell.span = attr(c, "val")
                                    .and_then(|v| v.parse::<usize>().ok())
                                    .unwrap_or(1)
                                    .clamp(1, 64)
                            }
                            "vMerge" => cell.merged_above = attr(c, "val") != Some("restart"),
                            "hMerge" if attr(c, "val") != Some("restart") => cell.span = 0,
                            _ => {}
                        }
                    }
                }
                let mut items = Vec::new();
                self.blocks(tc, &mut items);
                for item in items {
                    match item {
                        Item::Para(p) => cell.paras.push(p),
                        Item::Table(inner) => {
                            let at = self.at("");
                            self.note(Kind::NestedTable, Some(at), None);
                            for r in inner.rows {
                                let texts: Vec<String> = r
                                    .cells
                                    .iter()
                                    .map(|c| c.text().replace('\n', " "))
                                    .collect();
                                let mut p = Para {
                                    n: inner.n,
                                    ..Para::default()
                                };
                                push_text(&mut p, &texts.join(" "), false, Vert::Base);
                                cell.paras.push(p);
                            }
                        }
                    }
                }
                row.cells.push(cell);
            }
            table.rows.push(row);
        }
        self.depth -= 1;
        Some(table)
    }
}

/// An equation (OMML) as the linear text Word shows for it: brackets of
/// delimiters and the `/` of fractions written out, scripts inline.
fn math_text(n: Node, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH * 4 {
        return;
    }
    let prop = |name: &str, default: &str| -> String {
        n.children()
            .find(|c| local(*c).ends_with("Pr"))
            .and_then(|pr| pr.children().find(|c| local(*c) == name))
            .and_then(|c| attr(c, "val"))
            .unwrap_or(default)
            .to_string()
    };
    match local(n) {
        "t" => out.push_str(n.text().unwrap_or("")),
        "d" => {
            out.push_str(&prop("begChr", "("));
            let sep = prop("sepChr", "|");
            let mut first = true;
            for e in n.children().filter(|c| local(*c) == "e") {
                if !first {
                    out.push_str(&sep);
                }
                first = false;
                math_text(e, out, depth + 1);
            }
            out.push_str(&prop("endChr", ")"));
        }
        "f" => {
            for (i, part) in n
                .children()
                .filter(|c| matches!(local(*c), "num" | "den"))
                .enumerate()
            {
                if i > 0 {
                    out.push('/');
                }
                math_text(part, out, depth + 1);
            }
        }
        "rad" => {
            out.push('√');
            for c in n.children().filter(|c| local(*c) == "e") {
                math_text(c, out, depth + 1);
            }
        }
        "nary" => {
            out.push_str(&prop("chr", "∫"));
            for c in n
                .children()
                .filter(|c| c.is_element() && !local(*c).ends_with("Pr"))
            {
                math_text(c, out, depth + 1);
            }
        }
        name if name.ends_with("Pr") => {}
        _ => {
            for c in n.children().filter(|c| c.is_element()) {
                math_text(c, out, depth + 1);
            }
        }
    }
}

/// `mc:AlternateContent` → its first choice (what Word itself shows), else
/// its fallback.
fn choice<'a, 'i>(n: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| local(*c) == "Choice")
        .or_else(|| n.children().find(|c| local(*c) == "Fallback"))
}

/// Children named `name`, also inside content controls and custom XML that
/// wrap rows or cells.
fn elements_through<'a, 'i>(parent: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    for c in parent.children().filter(|c| c.is_element()) {
        match local(c) {
            n if n == name => out.push(c),
            "sdt" => {
                if let Some(content) = c.children().find(|g| local(*g) == "sdtContent") {
                    out.extend(elements_through(content, name));
                }
            }
            "customXml" => out.extend(elements_through(c, name)),
            _ => {}
        }
    }
    out
}

/// What a field's result is to the import: dropped (a table of contents,
/// a page number) or kept (everything else, SEQ numbers included).
fn field_drop(instr: &str) -> Option<Kind> {
    let word = instr
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match word.as_str() {
        "TOC" => Some(Kind::Toc),
        "PAGE" | "NUMPAGES" | "SECTIONPAGES" => Some(Kind::PageField),
        _ => None,
    }
}

/// `SEQ 表 \* ARABIC` → `表`.
fn seq_category(instr: &str) -> Option<String> {
    let mut words = instr.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("SEQ") {
        return None;
    }
    words.next().map(|w| w.trim_matches('"').to_string())
}

/// Appends text to the paragraph, merging with the last piece of the same
/// look.
pub fn push_text(para: &mut Para, t: &str, bold: bool, vert: Vert) {
    if t.is_empty() {
        return;
    }
    if let Some(Piece::Text {
        text,
        bold: b,
        vert: v,
    }) = para.pieces.last_mut()
        && *b == bold
        && *v == vert
    {
        text.push_str(t);
        return;
    }
    para.pieces.push(Piece::Text {
        text: t.to_string(),
        bold,
        vert,
    });
}

fn trim_pieces(pieces: &mut Vec<Piece>) {
    while let Some(Piece::Text { text, .. }) = pieces.first_mut() {
        let t = text.trim_start().to_string();
        if t.is_empty() {
            pieces.remove(0);
        } else {
            *text = t;
            break;
        }
    }
    while let Some(Piece::Text { text, .. }) = pieces.last_mut() {
        let t = text.trim_end().to_string();
        if t.is_empty() {
            pieces.pop();
        } else {
            *text = t;
            break;
        }
    }
}
