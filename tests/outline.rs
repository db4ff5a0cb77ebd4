//! The PDF outline (bookmarks) of each file of the bundled example
//! (issue 9): 申报材料.pdf starts with 封面 and then has the body's headings,
//! 正文.pdf has the body's headings pointing at its own pages, 封面.pdf has
//! the single entry 封面. Each entry must point at the page where its
//! heading is printed. The example is built once for this whole file.

mod common;

use std::sync::OnceLock;

use common::*;

/// The outlines of 封面.pdf, 正文.pdf and 申报材料.pdf.
struct Tocs {
    cover: Vec<TocEntry>,
    body: Vec<TocEntry>,
    book: Vec<TocEntry>,
    form: Vec<TocEntry>,
}

fn tocs() -> &'static Tocs {
    static TOCS: OnceLock<Tocs> = OnceLock::new();
    TOCS.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let paths: Vec<_> = example()
            .bytes
            .iter()
            .map(|(name, bytes)| {
                let p = tmp.path().join(name);
                std::fs::write(&p, bytes).expect("write pdf");
                p
            })
            .collect();
        let names: Vec<&str> = example().bytes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [COVER, BODY, BOOK, FORM]);
        let [cover, body, book, form]: [Vec<TocEntry>; 4] =
            toc_all(&paths).try_into().expect("four outlines");
        Tocs {
            cover,
            body,
            book,
            form,
        }
    })
}

/// The page (from 1) of `pdf` at or after `from` where a heading titled
/// `title` is printed: the first bold row that is the title or, for a title
/// wrapped over lines, its beginning.
fn heading_page(pdf: &Probe, title: &str, from: usize) -> Option<usize> {
    let title = compact(title);
    (from..=pdf.pages.len()).find(|&p| {
        pdf.pages[p - 1].body_rows().iter().any(|r| {
            let t = r.text();
            t.chars().count() >= 2 && title.starts_with(&t) && r.all_bold()
        })
    })
}

/// Every entry points at the page where its heading is printed in `pdf`,
/// in reading order.
#[track_caller]
fn assert_pages_match(name: &str, pdf: &Probe, toc: &[TocEntry]) {
    let mut from = 1;
    for TocEntry(level, title, page) in toc {
        let found = heading_page(pdf, title, from)
            .unwrap_or_else(|| panic!("{name}: heading {title:?} not found from page {from}"));
        assert_eq!(
            *page, found as i64,
            "{name}: bookmark {title:?} (level {level}) points at page {page}, but the heading is printed on page {found}"
        );
        from = found;
    }
}

#[test]
fn book_outline_starts_with_the_cover() {
    let book = &tocs().book;
    assert_eq!(
        book.first(),
        Some(&TocEntry(1, "封面".into(), 1)),
        "申报材料.pdf's first bookmark is 封面 → page 1: {book:?}"
    );
}

#[test]
fn book_outline_has_the_body_headings_nested() {
    let book = &tocs().book;
    for part in [
        "摘要",
        "一、企业概况",
        "二、管理方法（技术）的推进实施与运行",
        "三、管理方法（技术）的实施效果",
    ] {
        assert!(
            book.iter().any(|e| e.0 == 1 && e.1 == part),
            "申报材料.pdf lacks the top-level bookmark {part:?}: {book:?}"
        );
    }
    // A （一） heading sits one level under its part.
    let i = book
        .iter()
        .position(|e| e.1.starts_with("（一）"))
        .unwrap_or_else(|| panic!("no （一） bookmark: {book:?}"));
    assert_eq!(book[i].0, 2, "（一） is nested under its part: {book:?}");
    assert!(
        book[..i]
            .iter()
            .any(|e| e.0 == 1 && e.1.starts_with("二、"))
    );
}

#[test]
fn book_outline_points_at_the_printed_headings() {
    let book = &tocs().book;
    let pdf = &example().pdfs.book;
    let body: Vec<TocEntry> = book
        .iter()
        .filter(|e| e.1 != "封面" && e.1 != FORM_TITLE)
        .cloned()
        .collect();
    assert!(
        !body.is_empty(),
        "申报材料.pdf has no body bookmarks: {book:?}"
    );
    assert_pages_match(BOOK, pdf, &body);
}

#[test]
fn body_outline_is_the_body_headings_at_their_pages() {
    let t = tocs();
    let pdfs = &example().pdfs;
    assert!(!t.body.is_empty(), "正文.pdf has no bookmarks");
    assert_pages_match(BODY, &pdfs.body, &t.body);
    // The same entries as the book's after 封面 and the form, shifted by
    // the pages before the body.
    let shift = (pdfs.book.pages.len() - pdfs.body.pages.len()) as i64;
    let shifted: Vec<TocEntry> = t.book[2..]
        .iter()
        .map(|TocEntry(l, s, p)| TocEntry(*l, s.clone(), p - shift))
        .collect();
    assert_eq!(
        t.body, shifted,
        "正文.pdf's outline is the book's body part"
    );
}

/// The form's title: its single bookmark, and the book's second.
const FORM_TITLE: &str = "洛阳市质量标杆申报表";

#[test]
fn form_outline_is_its_title_in_both_files() {
    let t = tocs();
    assert_eq!(t.form, [TocEntry(1, FORM_TITLE.into(), 1)]);
    // In the book: after 封面 and the cover's blank back (duplex).
    assert_eq!(t.book[1], TocEntry(1, FORM_TITLE.into(), 3));
}

#[test]
fn cover_outline_is_the_single_entry_cover() {
    assert_eq!(tocs().cover, [TocEntry(1, "封面".into(), 1)]);
}
