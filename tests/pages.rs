//! Page content of both bundled examples, compared with the digests kept in
//! `tests/fixtures/pages/` (issue 9): every span's text, font, size and
//! position, every rule and every image, to 0.01 pt, of 封面.pdf and
//! 正文.pdf, and the same pages in 申报材料.pdf. A restructuring of the
//! engine must leave what is printed where it was; the file bytes may change.
//!
//! When a layout change is intended, regenerate the digests with
//! `SHENBAO_BLESS=1 cargo test --test pages` and review the diff.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// `pdfprobe.py --digest` of one PDF.
fn digest(pdf: &Path) -> String {
    let out = Command::new("python3")
        .arg(root().join("tests/pdfprobe.py"))
        .arg("--digest")
        .arg(pdf)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "pdfprobe.py --digest failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The first line where two digests differ, with its page.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut page = "";
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e.starts_with("page ") {
            page = e;
        }
        if e != a {
            return format!("line {}, {page}:\n  expected {e}\n  actual   {a}", i + 1);
        }
    }
    format!(
        "one is a prefix of the other: {} lines expected, {} printed",
        expected.lines().count(),
        actual.lines().count()
    )
}

/// A digest's pages, each without its `page N` line.
fn pages(digest: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in digest.lines() {
        if let Some(size) = line.strip_prefix("page ") {
            let size = size.split_once(' ').map_or("", |(_, s)| s);
            out.push(format!("size {size}\n"));
        } else if let Some(page) = out.last_mut() {
            page.push_str(line);
            page.push('\n');
        }
    }
    out
}

#[track_caller]
fn assert_same_pages(example: &str, material: &str) {
    let dir = root().join("examples").join(example);
    let tmp = tempfile::tempdir().expect("temp dir");
    must_succeed(&mut build_cmd(&dir.join(material), tmp.path()));
    let folder = std::fs::read_dir(tmp.path())
        .expect("out")
        .next()
        .expect("one folder")
        .expect("entry")
        .path();
    let mut kept = Vec::new();
    for name in [COVER, BODY] {
        let actual = digest(&folder.join(name));
        let stem = name.trim_end_matches(".pdf");
        let fixture = root().join(format!("tests/fixtures/pages/{example}-{stem}.txt"));
        if std::env::var_os("SHENBAO_BLESS").is_some() {
            std::fs::write(&fixture, &actual).expect("write digest");
        }
        let expected = std::fs::read_to_string(&fixture).expect("digest fixture");
        assert!(
            expected == actual,
            "{example}/{name} differs from {}: {}",
            fixture.display(),
            first_difference(&expected, &actual)
        );
        kept.push(pages(&expected));
    }
    // The book binds those very pages: the cover first, the body last (the
    // form and blank backs between them are tested in tests/form.rs and
    // tests/layout.rs).
    let book = pages(&digest(&folder.join(BOOK)));
    let (cover, body) = (&kept[0], &kept[1]);
    assert!(book.len() >= cover.len() + body.len());
    assert!(
        book[..cover.len()] == cover[..],
        "{example}: the book's cover pages differ from 封面.pdf"
    );
    for (i, page) in body.iter().enumerate() {
        let at = book.len() - body.len() + i;
        assert!(
            book[at] == *page,
            "{example}: book page {} differs from 正文.pdf page {}: {}",
            at + 1,
            i + 1,
            first_difference(page, &book[at])
        );
    }
}

#[test]
fn yaml_example_pages_are_unchanged() {
    assert_same_pages("luoyang-bearing", "material.yaml");
}

#[test]
fn markdown_example_pages_are_unchanged() {
    assert_same_pages("luoyang-bearing-md", "material.md");
}
