//! For the print shop (issue 11, SPEC §7): the bound book's sheets and
//! spine width in the build report, and 书脊.pdf read back — its width to
//! 0.1 mm, the name stacked top to bottom inside it, CJK upright and Latin
//! runs turned. A 64-page book on 80 g paper and a 4-page one (too thin).

mod common;

use std::path::Path;

use common::*;

/// `shenbao spine` into `dir`; returns stdout.
fn spine(dir: &Path, name: &str, pages: usize, extra: &[&str]) -> String {
    let out = must_succeed(
        bin()
            .current_dir(dir)
            .args([
                "spine",
                "--name",
                name,
                "--pages",
                &pages.to_string(),
                "--no-system-fonts",
                "-o",
                "书脊.pdf",
            ])
            .args(extra),
    );
    stdout(&out)
}

const NAME: &str = "洛阳LOW-E玻璃2023有限公司";

#[test]
fn a_64_page_book_on_80g_paper() {
    let tmp = tempfile::tempdir().unwrap();
    let report = spine(tmp.path(), NAME, 64, &["--paper", "80"]);
    // 32 sheets × 0.1 mm + 2 × 0.22 mm cover stock + 0.5 mm glue.
    let spine_mm = 32.0 * 0.1 + 2.0 * 0.22 + 0.5;
    assert!(
        report.contains("双面打印 32 张") && report.contains("书脊宽 4.1 mm"),
        "{report}"
    );
    assert!(!report.contains("很难看清"), "{report}");
    let pdf = probe(&tmp.path().join("书脊.pdf"));
    assert_eq!(pdf.pages.len(), 1);
    let page = &pdf.pages[0];
    assert_close(
        page.width,
        mm(spine_mm + 6.0),
        mm(0.1),
        "spine + 2 × 3 mm bleed",
    );
    assert_close(page.height, mm(297.0 + 6.0), mm(0.1), "A4 high + bleed");
    assert!(
        pdf.fonts.iter().all(|f| f.embedded),
        "fonts embedded: {:?}",
        pdf.fonts
    );

    // Every character, in order top to bottom, inside the trim box.
    let mut spans: Vec<&TextSpan> = page
        .spans
        .iter()
        .filter(|s| !s.text.trim().is_empty())
        .collect();
    spans.sort_by(|a, b| a.bbox[1].total_cmp(&b.bbox[1]));
    let read: String = spans.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(read, NAME, "read top to bottom");
    let trim = (
        mm(3.0),
        page.width - mm(3.0),
        mm(3.0),
        page.height - mm(3.0),
    );
    for s in &spans {
        assert!(
            s.bbox[0] >= trim.0 - 0.01
                && s.bbox[2] <= trim.1 + 0.01
                && s.bbox[1] >= trim.2
                && s.bbox[3] <= trim.3,
            "“{}” leaves the spine: {:?}",
            s.text,
            s.bbox
        );
    }
    // CJK upright: one character a line, all on one column, each below the
    // one before, its glyph advancing along x as upright text does (x1 >
    // x of its origin by about its size).
    let cjk: Vec<&&TextSpan> = spans
        .iter()
        .filter(|s| s.text.chars().all(|c| !c.is_ascii()))
        .collect();
    assert_eq!(cjk.iter().map(|s| s.text.chars().count()).sum::<usize>(), 8);
    for s in &cjk {
        assert_eq!(s.text.chars().count(), 1, "stacked one by one: {}", s.text);
        assert_close(
            s.glyph_x1[0] - s.glyph_x[0],
            s.size,
            0.15 * s.size,
            "upright advance",
        );
        assert_close(
            (s.bbox[0] + s.bbox[2]) / 2.0,
            page.width / 2.0,
            0.5,
            "centred across the spine",
        );
    }
    // Latin and digit runs turned to read top to bottom: their glyph
    // origins share one x (they advance down the page, not across).
    for run in ["LOW-E", "2023"] {
        let s = spans.iter().find(|s| s.text == run).expect(run);
        let xs = &s.glyph_x;
        assert!(
            xs.iter().all(|x| (x - xs[0]).abs() < 0.01),
            "{run} is not turned: origins {xs:?}"
        );
        assert!(
            s.bbox[3] - s.bbox[1] > s.bbox[2] - s.bbox[0],
            "{run} runs down the spine"
        );
    }
}

#[test]
fn a_4_page_book_is_too_thin_but_still_gets_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let report = spine(tmp.path(), NAME, 4, &[]);
    assert!(
        report.contains("双面打印 2 张") && report.contains("很难看清"),
        "{report}"
    );
    let pdf = probe(&tmp.path().join("书脊.pdf"));
    let spine_mm = 2.0 * 0.1 + 2.0 * 0.22 + 0.5;
    assert_close(
        pdf.pages[0].width,
        mm(spine_mm + 6.0),
        mm(0.1),
        "thin spine + bleed",
    );
    let text: String = pdf.pages[0].spans.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        compact(&text).chars().count(),
        compact(NAME).chars().count(),
        "the name is there, small"
    );
}

/// Every build reports the book's pages, sheets and spine, and writes
/// 印刷/书脊.pdf as wide as that spine; the paper is an option.
#[test]
fn build_reports_sheets_and_writes_the_spine() {
    let f = Fixture::yaml(SMALL_YAML);
    let out = must_succeed(f.cmd("material.yaml").args(["--paper", "100"]));
    let report = stdout(&out);
    let book = probe(&f.out().join(SMALL_COMPANY).join(BOOK));
    let pages = book.pages.len();
    let sheets = pages.div_ceil(2);
    assert!(
        report.contains(&format!(
            "整本 {pages} 页，双面打印 {sheets} 张（100 g/m² 纸"
        )),
        "{report}"
    );
    let spine = probe(&f.out().join(SMALL_COMPANY).join("印刷/书脊.pdf"));
    let spine_mm = sheets as f64 * 0.125 + 2.0 * 0.22 + 0.5;
    assert_close(
        spine.pages[0].width,
        mm(spine_mm + 6.0),
        mm(0.1),
        "spine file width",
    );
    let text: String = spine.pages[0]
        .spans
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(compact(&text), SMALL_COMPANY);

    let g = Fixture::yaml(SMALL_YAML);
    let err = g.reject_with(|c| {
        c.args(["--paper", "90"]);
    });
    assert!(
        err.contains("90 g/m²") && err.contains("--caliper"),
        "{err}"
    );
}

/// 封面展开.pdf: back, spine and front at trim size plus bleed (the
/// BleedBox) and a slug; the TrimBox is the three panels; crop and fold
/// marks lie outside the bleed; the front is 封面.pdf, unchanged in
/// position on the front panel; the spine file has its boxes too.
#[test]
fn cover_wrap_and_print_boxes() {
    let f = Fixture::yaml(SMALL_YAML);
    let built = f.build("material.yaml");
    let book = probe(&built.pdf(BOOK)).pages.len();
    let spine_mm = book.div_ceil(2) as f64 * 0.1 + 2.0 * 0.22 + 0.5;
    let [wrap, cover, spine]: [Probe; 3] = probe_all(&[
        built.pdf("印刷/封面展开.pdf"),
        built.pdf(COVER),
        built.pdf("印刷/书脊.pdf"),
    ])
    .try_into()
    .unwrap();
    let page = &wrap.pages[0];
    let (bleed, trim) = (page.bleedbox, page.trimbox);
    assert_close(
        bleed[2] - bleed[0],
        mm(2.0 * 210.0 + spine_mm + 2.0 * 3.0),
        mm(0.1),
        "wrap: 2 × 210 + spine + 2 × bleed",
    );
    assert_close(
        bleed[3] - bleed[1],
        mm(297.0 + 6.0),
        mm(0.1),
        "wrap height with bleed",
    );
    assert_close(
        trim[2] - trim[0],
        mm(2.0 * 210.0 + spine_mm),
        mm(0.1),
        "trim: back + spine + front",
    );
    assert_close(trim[0] - bleed[0], mm(3.0), 0.01, "3 mm bleed");
    assert!(
        page.width > bleed[2] - bleed[0] + mm(10.0),
        "a slug for the marks"
    );
    // Every mark (the 0.25 pt hairlines; the cover's own rules are 0.6 pt)
    // outside the bleed, so outside the trim.
    let marks: Vec<&Rule> = page.lines.iter().filter(|l| l.width < 0.3).collect();
    // At each of the 4 trim corners a horizontal and a vertical crop mark;
    // at each spine edge a fold mark at the top and the bottom.
    assert_eq!(marks.len(), 12, "8 crop marks and 4 fold marks");
    for l in marks {
        let inside = |x: f64, y: f64| x > bleed[0] && x < bleed[2] && y > bleed[1] && y < bleed[3];
        assert!(
            !inside(l.x0, l.y0) && !inside(l.x1, l.y1),
            "a mark inside the bleed: {l:?}"
        );
    }
    // The front panel is the cover as it is.
    let dx = trim[0] + mm(210.0 + spine_mm);
    let dy = trim[1];
    for s in cover.pages[0]
        .spans
        .iter()
        .filter(|s| !s.text.trim().is_empty())
    {
        let w = page
            .spans
            .iter()
            .find(|t| t.text == s.text)
            .unwrap_or_else(|| panic!("“{}” missing from the wrap", s.text));
        assert_close(w.x, s.x + dx, 0.05, &format!("“{}” x", s.text));
        assert_close(w.y, s.y + dy, 0.05, &format!("“{}” y", s.text));
        assert_close(w.size, s.size, 0.01, "size");
    }
    // Pure black: every colour space the two print files paint with (their
    // /ColorSpace resources, the embedded cover's included) is one-component
    // grey, and no RGB operator is used. (A transparency group's blending
    // space, which krilla sets to sRGB, paints nothing.)
    for file in ["印刷/封面展开.pdf", "印刷/书脊.pdf"] {
        let script = r#"
import re, sys, pymupdf
d = pymupdf.open(sys.argv[1])
c = d[0].read_contents().decode("latin1")
rgb = re.findall(r"\b(?:rg|RG)\b", c)
comps = set()
for i in range(1, d.xref_length()):
    for block in re.findall(r"/ColorSpace\s*<<(.*?)>>", d.xref_object(i), re.S):
        for ref in re.findall(r"(\d+) 0 R", block):
            icc = re.search(r"(\d+) 0 R", d.xref_object(int(ref)))
            comps.add(re.search(r"/N (\d)", d.xref_object(int(icc.group(1)))).group(1))
print(len(rgb), sorted(comps))
"#;
        let out = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(built.pdf(file))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "0 ['1']",
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The spine file: trim = the spine, bleed = the page.
    let sp = &spine.pages[0];
    assert_close(
        sp.trimbox[2] - sp.trimbox[0],
        mm(spine_mm),
        mm(0.1),
        "spine trim width",
    );
    assert_close(
        sp.bleedbox[2] - sp.bleedbox[0],
        sp.width,
        0.01,
        "spine bleed = page",
    );
}

/// `shenbao inspect` on a book shenbao made: pages, A4, sheets and spine,
/// the blank back of the cover, the name its spine must carry and whether
/// the spine file matches; on a PDF another tool made (PyMuPDF): a page
/// that is not A4, a font not embedded, a blank page; and as JSON.
#[test]
fn inspect_a_shenbao_book_and_a_foreign_pdf() {
    let f = Fixture::yaml(SMALL_YAML);
    let built = f.build("material.yaml");
    let pages = probe(&built.pdf(BOOK)).pages.len();
    let out = must_succeed(
        bin()
            .arg("inspect")
            .arg(built.pdf(BOOK))
            .arg("--spine")
            .arg(built.pdf("印刷/书脊.pdf")),
    );
    let text = stdout(&out);
    assert!(text.contains(&format!("页数：{pages}")), "{text}");
    assert!(
        text.contains(&format!("第 1–{pages} 页：210 × 297 mm（A4）")),
        "{text}"
    );
    assert!(
        text.contains(&format!("双面打印 {} 张", pages.div_ceil(2))),
        "{text}"
    );
    assert!(text.contains("字体：全部嵌入"), "{text}");
    assert!(
        text.contains("空白页：第 2 页"),
        "the cover's blank back: {text}"
    );
    assert!(
        text.contains(&format!("书脊应印：{SMALL_COMPANY}")),
        "{text}"
    );
    assert!(text.contains("与本书一致"), "{text}");

    // Another tool's PDF: Letter, A4 and an empty page, Helvetica not embedded.
    let script = r#"
import sys, pymupdf
doc = pymupdf.open()
doc.new_page(width=612, height=792).insert_text((72, 100), "Letter page", fontsize=12)
doc.new_page(width=595.28, height=841.89)
doc.new_page(width=595.28, height=841.89).insert_text((72, 100), "A4 page", fontsize=12)
doc.save(sys.argv[1])
"#;
    let foreign = f.path("foreign.pdf");
    let py = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&foreign)
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let out = must_succeed(
        bin()
            .arg("inspect")
            .arg(&foreign)
            .args(["--format", "json"]),
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(v["pages"], 3);
    assert_eq!(v["sizes"][0]["a4"], false);
    assert_eq!(v["sizes"][0]["width_mm"], 215.9);
    assert_eq!(v["sizes"][1]["first"], 2);
    assert_eq!(v["sizes"][1]["a4"], true);
    assert_eq!(v["binding"]["sheets"], 2);
    assert_eq!(v["blank_pages"], serde_json::json!([2]));
    assert_eq!(v["fonts_not_embedded"], serde_json::json!(["Helvetica"]));

    let bad = f.path("material.yaml");
    let out = must_fail(bin().arg("inspect").arg(&bad));
    assert!(
        stderr(&out).contains("无法读取这个 PDF"),
        "{}",
        stderr(&out)
    );
}
