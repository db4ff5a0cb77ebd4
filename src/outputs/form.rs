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
