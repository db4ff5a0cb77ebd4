//! The Word files (issue 22): 申报材料.docx (the cover, the 申报表 with its
//! 附表 and the body, each its own section with the PDF's page setup, page
//! numbers from 1 in the body's footer only) and 申报表.docx (the form
//! alone, for the county to type its 推荐意见 into).
//!
//! Written as WordprocessingML by hand, with the zip package writer the
//! PPTX uses, rather than with `docx-rs`: that crate's writer cannot mark a
//! header row to repeat (`w:tblHeader`), which every table here needs, nor
//! write a multilevel list linked to heading styles as one template file,
//! and a template maintainer should restyle Word's parts as XML files, not
//! as Rust builder calls. The parts a maintainer restyles (styles,
//! numbering, theme, settings, font table, the footer) are files in
//! `templates/docx/`, overridable with `--templates`; everything the writer
//! typed is XML-escaped on its way into a run.
//!
//! The bytes are deterministic: fixed zip times, no dates in the
//! properties, parts in a fixed order.

mod body;
mod form;
mod xml;

use crate::diag::{Code, Diagnostic};
use crate::document::Prepared;
use crate::outputs::ooxml::{
    Package, REL_CORE, Rels, XML_DECL, core_props, escape, office, strip_comments,
};
use crate::outputs::{Input, Product, Renderer, Scope};
use crate::resources::templates::Templates;

use body::Writer;
use xml::{PageSetup, Sizes};

pub const BOOK_DOCX: &str = "申报材料.docx";
pub const FORM_DOCX: &str = "申报表.docx";

/// The folder of the static parts below `templates/`.
const PARTS: &str = "docx/";

/// The namespaces of document.xml, footnotes.xml and the footer.
const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
    xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
    xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
    xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

pub struct DocxOutput;

pub const DOCX: DocxOutput = DocxOutput;

impl Renderer for DocxOutput {
    fn id(&self) -> &'static str {
        "docx"
    }

    fn help(&self) -> &'static str {
        "申报材料.docx 和 申报表.docx，默认不生成，配置里 outputs: {docx: true} 时默认生成"
    }

    fn scope(&self) -> Scope {
        Scope::Material
    }

    /// Asked for by name (`--outputs docx`), or by the profile when the
    /// notice's office wants Word files (`outputs: {docx: true}`): the PDFs
    /// are what the notice wants printed.
    fn by_default(&self, profile: Option<&crate::profile::Profile>) -> bool {
        profile.is_some_and(|p| p.outputs.docx)
    }

    fn files(&self) -> Vec<&'static str> {
        vec![BOOK_DOCX, FORM_DOCX]
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Material(job) = input else {
            return Err(super::wrong_input(self.id()));
        };
        let fail = |name: &str, e: String| {
            vec![Diagnostic::error(
                Code::Output,
                format!("无法生成 {name}：{e}"),
            )]
        };
        let book = book(job.prepared, job.templates).map_err(|e| fail(BOOK_DOCX, e))?;
        let form = form_only(job.prepared, job.templates).map_err(|e| fail(FORM_DOCX, e))?;
        let product = |name: &str, bytes| Product {
            name: name.into(),
            bytes,
            pages: None,
            note: None,
        };
        Ok((
            vec![product(BOOK_DOCX, book), product(FORM_DOCX, form)],
            Vec::new(),
        ))
    }
}

/// A section's properties: how it starts, its page, its footer.
fn sect_pr(page: &PageSetup, start: &str, footer: Option<&str>) -> String {
    let footer = footer.map_or(String::new(), |id| {
        format!("<w:footerReference w:type=\"default\" r:id=\"{id}\"/>")
    });
    let numbers = if footer.is_empty() {
        ""
    } else {
        "<w:pgNumType w:fmt=\"decimal\" w:start=\"1\"/>"
    };
    format!(
        "<w:sectPr>{footer}<w:type w:val=\"{start}\"/>{}{numbers}<w:cols w:space=\"425\"/>\
         <w:docGrid w:linePitch=\"312\"/></w:sectPr>",
        page.xml()
    )
}

/// An empty paragraph of one point that ends a section (the form ends with
/// a table, which cannot carry the section's properties).
fn section_end(sect: &str) -> String {
    format!(
        // CT_PPr: the paragraph mark's run properties, then the section's.
        "<w:p><w:pPr><w:pStyle w:val=\"PlainText\"/><w:spacing w:line=\"20\" w:lineRule=\"exact\"/>\
         <w:rPr><w:sz w:val=\"2\"/></w:rPr>{sect}</w:pPr></w:p>"
    )
}

/// 申报材料.docx: the book's parts in the profile's order (the 证实性材料
/// are PDFs and pictures bound with the PDF, not part of the Word file).
/// With duplex printing every part starts on a right-hand page, by Word's
/// own odd-page section break.
fn book(p: &Prepared, templates: &Templates) -> Result<Vec<u8>, String> {
    let sizes = Sizes::of(&p.profile);
    let root = &p.loaded.root;
    let read = |b: &crate::document::Block| body::read_picture(root, b);
    let mut w = Writer::new(&sizes, &read);
    let footer = if p.profile.page_numbers {
        Some(w.rels.add(office("footer"), "footer1.xml"))
    } else {
        None
    };
    let m = &p.loaded.material;
    let order: Vec<&str> = p
        .profile
        .book
        .order
        .iter()
        .map(|s| s.value.as_str())
        .filter(|s| *s != "attachments")
        .collect();
    let mut first = true;
    let mut pending: Option<String> = None;
    for (i, part) in order.iter().enumerate() {
        let start = if first || !p.profile.book.duplex {
            "nextPage"
        } else {
            "oddPage"
        };
        first = false;
        let last = i + 1 == order.len();
        // Each part is its own section: the section's properties go in the
        // part's last paragraph (or the document's last, for the last part).
        let (page, foot) = match *part {
            "form" => (PageSetup::form(&p.profile), None),
            "body" => (sizes.page, footer.as_deref()),
            _ => (sizes.page, None),
        };
        let sect = sect_pr(&page, start, foot);
        if let Some(prev) = pending.take() {
            w.xml += &section_end(&prev);
        }
        match *part {
            "cover" => {
                let fields: Vec<(String, String)> = crate::outputs::data::cover_fields(m, p.date)
                    .into_iter()
                    .map(|f| (f.label.to_string(), f.value))
                    .collect();
                let g = &p.profile.cover;
                let mm = |v: f64| v * 72.0 / 25.4;
                let c = body::Cover {
                    title_top_pt: mm(g.title_top_mm - p.profile.page.margin_top_mm),
                    title_size: sizes.cover_title,
                    fields_top_pt: mm(g.fields_top_mm - p.profile.page.margin_top_mm),
                    field_size: sizes.cover_field,
                    indent_pt: mm(g.fields_indent_mm),
                };
                body::cover(&mut w, &p.profile.title_lines, &fields, &c);
            }
            "form" => {
                let data = crate::outputs::data::form::data(m, &p.profile);
                w.xml += &form::form(&data, &p.profile, &sizes);
            }
            "body" => body_part(&mut w, p),
            _ => {}
        }
        if last {
            w.xml += &sect;
        } else {
            pending = Some(sect);
        }
    }
    let title = m.benchmark.title.value.trim();
    package(
        w,
        templates,
        title,
        m.company.name.value.trim(),
        footer.is_some(),
    )
}

/// The body (B1–B9): the title, one empty line, 摘要 and the three parts.
fn body_part(w: &mut Writer, p: &Prepared) {
    let title = p.loaded.material.benchmark.title.value.trim();
    w.para("Title", "", &body::text_run(title, ""));
    w.para("Normal", "", "");
    for (kind, blocks) in &p.parts {
        let style = if crate::outputs::data::part_number(*kind).is_empty() {
            "Abstract"
        } else {
            "Heading1"
        };
        w.para(style, "", &body::text_run(kind.title(), ""));
        w.blocks(blocks, 0);
    }
}

/// 申报表.docx: the form alone, on its own margins.
fn form_only(p: &Prepared, templates: &Templates) -> Result<Vec<u8>, String> {
    let sizes = Sizes::of(&p.profile);
    let no_pictures = |_: &crate::document::Block| Err::<Vec<u8>, String>("".into());
    let mut w = Writer::new(&sizes, &no_pictures);
    let data = crate::outputs::data::form::data(&p.loaded.material, &p.profile);
    w.xml += &form::form(&data, &p.profile, &sizes);
    w.xml += &sect_pr(&PageSetup::form(&p.profile), "nextPage", None);
    let company = p.loaded.material.company.name.value.trim();
    package(w, templates, &p.profile.form.title, company, false)
}

/// The static parts, in their package order: (file in templates/docx/,
/// part name, relationship type from the document).
const STATIC_PARTS: &[(&str, &str, &str)] = &[
    ("styles.xml", "word/styles.xml", "styles"),
    ("numbering.xml", "word/numbering.xml", "numbering"),
    ("settings.xml", "word/settings.xml", "settings"),
    ("fontTable.xml", "word/fontTable.xml", "fontTable"),
    ("theme1.xml", "word/theme/theme1.xml", "theme"),
];

/// The package: document, footnotes, the static parts, pictures,
/// properties.
fn package(
    mut w: Writer,
    templates: &Templates,
    title: &str,
    company: &str,
    footer: bool,
) -> Result<Vec<u8>, String> {
    if let Some(e) = w.errors.first() {
        return Err(e.clone());
    }
    let values = w.sizes.values();
    let template = |name: &str| -> Result<String, String> {
        let (_, text) = templates
            .text(&format!("{PARTS}{name}"))
            .ok_or_else(|| format!("模板 {PARTS}{name} 缺失"))?;
        xml::fill(&strip_comments(&text), &values).map_err(|e| format!("模板 {PARTS}{name}：{e}"))
    };
    let mut pkg = Package::default();
    let mut root = Rels::default();
    root.add(office("officeDocument"), "word/document.xml");
    root.add(REL_CORE, "docProps/core.xml");
    root.add(office("extended-properties"), "docProps/app.xml");
    pkg.xml("_rels/.rels", root.xml());
    pkg.xml("docProps/core.xml", core_props(title, company));
    pkg.xml("docProps/app.xml", app_props(company));

    let mut rels = std::mem::take(&mut w.rels);
    for (_, name, kind) in STATIC_PARTS {
        rels.add(office(kind), name.trim_start_matches("word/"));
    }
    rels.add(office("footnotes"), "footnotes.xml");
    let document = format!(
        "{XML_DECL}<w:document {W_NS}><w:body>{}</w:body></w:document>",
        w.xml
    );
    pkg.part("word/document.xml", document, &rels);
    for (file, name, _) in STATIC_PARTS {
        let mut text = template(file)?;
        if *file == "numbering.xml" {
            // One w:num per ordered list, each starting at its own number.
            let mut nums = String::new();
            for (i, start) in w.lists.iter().enumerate() {
                nums += &format!(
                    "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"2\"/>\
                     <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>",
                    i + 3
                );
            }
            let end = text
                .rfind("</w:numbering>")
                .ok_or("模板 docx/numbering.xml 没有 </w:numbering>")?;
            text.insert_str(end, &nums);
        }
        pkg.xml(*name, text);
    }
    pkg.xml("word/footnotes.xml", footnotes(&w.footnotes));
    if footer {
        pkg.xml("word/footer1.xml", template("footer1.xml")?);
    }
    for m in w.media {
        pkg.binary(format!("word/{}", m.name), m.bytes);
    }
    pkg.finish()
}

/// footnotes.xml: Word's two separators, then the writer's footnotes.
fn footnotes(notes: &[String]) -> String {
    let sep = |id: i32, kind: &str, mark: &str| {
        format!(
            "<w:footnote w:type=\"{kind}\" w:id=\"{id}\"><w:p><w:pPr>\
             <w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
             <w:r><w:{mark}/></w:r></w:p></w:footnote>"
        )
    };
    format!(
        "{XML_DECL}<w:footnotes {W_NS}>{}{}{}</w:footnotes>",
        sep(-1, "separator", "separator"),
        sep(0, "continuationSeparator", "continuationSeparator"),
        notes.concat()
    )
}

fn app_props(company: &str) -> String {
    format!(
        "{XML_DECL}<Properties \
         xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>shenbao</Application><Company>{}</Company></Properties>",
        escape(company)
    )
}
