//! The book (申报材料): the cover with its blank back and the body, compiled
//! once from `templates/book/` and written three ways (SPEC §7): 封面.pdf,
//! 正文.pdf (numbered from 1) and 申报材料.pdf, every page in binding order.

use super::typst::{PdfFile, Selection, TypstOutput};
use super::{BOOK_FILE, COVER_FILE};

pub const BOOK: TypstOutput = TypstOutput {
    id: "book",
    help: "封面、正文、申报材料",
    entry: "book/main.typ",
    data: |job| std::borrow::Cow::Borrowed(job.data),
    files: &[
        PdfFile {
            name: COVER_FILE,
            pages: Selection::Parts(&["cover"]),
        },
        PdfFile {
            name: "正文.pdf",
            pages: Selection::Parts(&["body"]),
        },
        PdfFile {
            name: BOOK_FILE,
            pages: Selection::All,
        },
    ],
};
