//! The 申报表 (Annex 2, SPEC §9 A2): the notice's form, filled from the
//! material (`data::form`), compiled from `templates/form/` into 申报表.pdf.
//! The book binds the same form after the cover (templates/book/main.typ
//! imports it).

use super::typst::{PdfFile, Selection, TypstOutput};

pub const FORM: TypstOutput = TypstOutput {
    id: "form",
    help: "申报表",
    entry: "form/main.typ",
    data: |job| {
        std::borrow::Cow::Owned(super::data::form_json(
            job.prepared,
            job.draft,
            job.timestamp.is_some(),
            job.opinion,
        ))
    },
    files: &[PdfFile {
        name: "申报表.pdf",
        pages: Selection::All,
    }],
};

/// One enterprise's 申报表.pdf, for [`merged`].
pub struct FormFile {
    /// Its bookmark (`涧西区 洛阳某某有限公司`).
    pub title: String,
    pub pdf: Vec<u8>,
}

/// Every 申报表 in one PDF, for printing and sealing at the office: the
/// files as the form renderer made them, their pages embedded as they are
/// (`templates/form/merged.typ`), in the order given. Returns the PDF and
/// its pages.
pub fn merged(
    templates: &crate::resources::templates::Templates,
    fonts: std::sync::Arc<crate::resources::fonts::Fonts>,
    root: crate::source::jail::Confined,
    title: &str,
    forms: &[FormFile],
) -> Result<(Vec<u8>, usize), Vec<crate::diag::Diagnostic>> {
    use crate::diag::{Code, Diagnostic};
    use crate::typeset::{compile, world::ShenbaoWorld};
    let mut files = Vec::new();
    for (i, f) in forms.iter().enumerate() {
        let pages = crate::assets::attachments::pdf_pages(&f.pdf).map_err(|(why, _)| {
            vec![Diagnostic::error(
                Code::Output,
                format!("“{}”的申报表.pdf {why}", f.title),
            )]
        })?;
        files.push(serde_json::json!({
            "title": f.title,
            "path": format!("/forms/{:04}.pdf", i + 1),
            "pages": pages,
        }));
    }
    let data = serde_json::json!({
        "title": title,
        "fonts": fonts.roles_json(),
        "files": files,
    });
    let mut world = ShenbaoWorld::new(
        templates.clone(),
        "form/merged.typ",
        serde_json::to_vec(&data).expect("plain data"),
        root,
        fonts,
        (2023, 1, 1),
    );
    for (i, f) in forms.iter().enumerate() {
        world = world.with_file(&format!("/forms/{:04}.pdf", i + 1), f.pdf.clone());
    }
    let (doc, _) = compile::compile(&world)?;
    let pages = doc.pages().len();
    Ok((compile::pdf(&doc, "forms", None)?, pages))
}
