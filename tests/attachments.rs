//! 证实性材料 (issue 10): PDFs and pictures listed under `attachments` are
//! bound into 申报材料.pdf after the body, read back page by page: an A4
//! page kept as it is (its text still text, at its own place), another size
//! scaled to fit A4 and centred, a picture fitted inside the margins; a
//! divider lists them; 正文.pdf stays the body alone. A file that cannot be
//! bound is an error at its line, and nothing is written.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Writes PDFs and pictures into `dir` with PyMuPDF: report.pdf (two A4
/// pages, owner password only), letter.pdf (one US Letter page),
/// locked.pdf (needs a password to open), cert.png (400×300), rotated.jpg
/// (400×300 pixels, EXIF orientation 6: a portrait photo).
fn make_files(dir: &Path) {
    let script = r#"
import sys, pymupdf
d = sys.argv[1]
doc = pymupdf.open()
p = doc.new_page(width=595.28, height=841.89)
p.insert_text((72, 100), "信用中国查询报告第一页", fontname="china-s", fontsize=16)
p = doc.new_page(width=595.28, height=841.89)
p.insert_text((72, 100), "Credit report page two", fontsize=16)
doc.save(d + "/report.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", permissions=pymupdf.PDF_PERM_PRINT)
doc = pymupdf.open()
p = doc.new_page(width=612, height=792)
p.insert_text((72, 100), "Letter size certificate", fontsize=20)
doc.save(d + "/letter.pdf")
doc = pymupdf.open()
doc.new_page().insert_text((72, 100), "secret", fontsize=12)
doc.save(d + "/locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 400, 300), False)
pix.clear_with(120)
pix.save(d + "/cert.png")
# A 400x300 JPEG whose EXIF says: turn 90 degrees clockwise to view.
import struct
jpeg = pix.tobytes("jpeg")
tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, 6) + struct.pack("<I", 0)
app1 = b"Exif\x00\x00" + tiff
open(d + "/rotated.jpg", "wb").write(jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:])
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fixture(list: &str) -> Fixture {
    let f = Fixture::yaml(&format!("{SMALL_YAML}attachments:\n{list}"));
    make_files(f.dir.path());
    f
}

const LIST: &str = "  - {file: report.pdf, title: 信用中国查询报告}
  - {file: letter.pdf, title: 获奖证书}
  - {file: cert.png, title: 质量奖证书照片}
";

#[test]
fn attachments_follow_the_body_page_by_page() {
    let f = fixture(LIST);
    let built = f.build("material.yaml");
    // Issue 18: the report counts them (and reminds of the seal).
    assert!(
        built
            .stdout
            .contains("提醒：3 份证实性材料已装订在正文之后，打印后须加盖单位公章。"),
        "{}",
        built.stdout
    );
    let json = stdout(&must_succeed(
        f.cmd("material.yaml").args(["--format", "json"]),
    ));
    let report: serde_json::Value = serde_json::from_str(json.trim()).expect("one object");
    assert_eq!(report["attachments"], 3, "{report}");
    let book = probe(&built.pdf(BOOK));
    let body = probe(&built.pdf(BODY));
    assert_eq!(body.pages.len(), 1, "正文.pdf is the body alone");
    assert!(!body.text().contains("证实性材料"));
    // The divider, then 2 + 1 + 1 pages: the last five pages of the book.
    let n = book.pages.len();
    let tail = &book.pages[n - 5..];
    let divider = tail[0].text();
    for t in [
        "证实性材料",
        "1.信用中国查询报告（2页）",
        "2.获奖证书（1页）",
        "3.质量奖证书照片（1页）",
    ] {
        assert!(divider.contains(t), "divider lacks “{t}”: {divider}");
    }
    // Every page of the book is A4.
    for (i, p) in book.pages.iter().enumerate() {
        assert_close(p.width, A4_W, 0.1, &format!("page {} width", i + 1));
        assert_close(p.height, A4_H, 0.1, &format!("page {} height", i + 1));
    }
    // The A4 report: its text is text, where the report put it.
    let first = &tail[1];
    let s = first
        .spans
        .iter()
        .find(|s| s.text.contains("信用中国查询报告第一页"))
        .expect("the report's text is extractable in the book");
    assert_close(s.x, 72.0, 0.2, "A4 page kept as it is: x");
    assert_close(s.y, 100.0, 0.2, "A4 page kept as it is: y");
    assert!(tail[2].text().contains("Creditreportpagetwo"));
    // The Letter page: scaled to A4's width and centred vertically.
    let k = A4_W / 612.0;
    let s = tail[3]
        .spans
        .iter()
        .find(|s| s.text.contains("Letter size"))
        .expect("letter text");
    assert_close(s.x, 72.0 * k, 0.3, "scaled x");
    assert_close(
        s.y,
        100.0 * k + (A4_H - 792.0 * k) / 2.0,
        0.3,
        "scaled, centred y",
    );
    assert_close(s.size, 20.0 * k, 0.05, "scaled size");
    // The picture: fitted inside 15 mm margins, its shape kept, centred.
    let img = tail[4].images.first().expect("the picture");
    let (w, h) = (img[2] - img[0], img[3] - img[1]);
    assert_close(
        w,
        A4_W - 2.0 * mm(15.0),
        0.5,
        "picture as wide as the margins allow",
    );
    assert_close(w / h, 400.0 / 300.0, 0.01, "picture's shape kept");
    assert_close((img[1] + img[3]) / 2.0, A4_H / 2.0, 0.5, "picture centred");
    // Bookmarks: 证实性材料 and each attachment at its first page.
    let toc = toc_all(&[built.pdf(BOOK)]).pop().expect("toc");
    let first_page = |t: &str| toc.iter().find(|e| e.1 == t).map(|e| e.2);
    assert_eq!(first_page("证实性材料"), Some((n - 4) as i64));
    assert_eq!(first_page("信用中国查询报告"), Some((n - 3) as i64));
    assert_eq!(first_page("质量奖证书照片"), Some(n as i64));
    // The attachments start on a right-hand page (duplex).
    assert_eq!((n - 5) % 2, 0, "divider on page {}", n - 4);
}

/// A phone photo stored sideways with an EXIF orientation is bound upright.
#[test]
fn exif_orientation_is_honoured() {
    let f = fixture("  - {file: rotated.jpg, title: 现场照片}\n");
    let built = f.build("material.yaml");
    let book = probe(&built.pdf(BOOK));
    let img = book
        .pages
        .last()
        .unwrap()
        .images
        .first()
        .expect("the photo");
    let (w, h) = (img[2] - img[0], img[3] - img[1]);
    assert_close(
        h / w,
        400.0 / 300.0,
        0.01,
        "turned upright: taller than wide",
    );
}

/// A PDF that needs a password to open, a truncated one, and a file that is
/// neither PDF nor picture: each an IN-ATTACH error at its own line of the
/// material; nothing is written.
#[test]
fn unbindable_attachments_are_errors_at_their_line() {
    let list = "  - {file: locked.pdf, title: 加密报告}
  - {file: cut.pdf, title: 不完整的报告}
  - {file: notes.pdf, title: 其实是文字}
  - {file: missing.pdf, title: 不存在}
";
    let f = fixture(list);
    let whole = std::fs::read(f.path("letter.pdf")).unwrap();
    f.write("cut.pdf", &whole[..whole.len() / 2]);
    f.write("notes.pdf", "这不是 PDF");
    let err = f.reject("material.yaml");
    let yaml = std::fs::read_to_string(f.path("material.yaml")).unwrap();
    let locs = locations(&err);
    for (file, says) in [
        ("locked.pdf", "需要密码才能打开"),
        ("cut.pdf", "不完整"),
        (
            "notes.pdf",
            "不是 PDF，也不是 PNG、JPEG、GIF、WebP 或 BMP 图片",
        ),
    ] {
        assert!(err.contains(says), "{file}: {err}");
        let line = line_of(&yaml, file);
        assert!(
            locs.iter().any(|l| l.0 == "material.yaml" && l.1 == line),
            "{file} not pointed at line {line}: {locs:?}"
        );
    }
    assert_eq!(err.matches("error[IN-ATTACH]").count(), 3, "{err}");
    assert!(err.contains("error[IN-FILE]"), "{err}");
}

/// Issue 23: a certificate scanned to BMP, one saved from a web page as
/// WebP (one of them turned by its EXIF orientation) and a GIF are bound,
/// each the right way up.
#[test]
fn webp_gif_and_bmp_pictures_are_bound_upright() {
    let f = fixture(
        "  - {file: scan.bmp, title: 扫描的证书}
  - {file: web.webp, title: 网页保存的证书}
  - {file: old.gif, title: 旧软件导出的证书}
  - {file: phone.webp, title: 手机拍的证书}
",
    );
    write_pictures(&f, "", 400, 300);
    let built = f.build("material.yaml");
    let pics = pictures(&built.pdf(BOOK));
    let bound: Vec<&Picture> = pics.iter().rev().take(4).rev().collect();
    let pages: Vec<usize> = bound.iter().map(|p| p.page).collect();
    assert_eq!(
        pages.windows(2).filter(|w| w[1] == w[0] + 1).count(),
        3,
        "one a page: {pages:?}"
    );
    for p in bound {
        assert_close(p.width() / p.height(), 400.0 / 300.0, 0.01, "shape kept");
        assert!(p.top < 80.0 && p.bottom > 180.0, "not upright: {p:?}");
    }
}

/// An iPhone HEIC photo listed as an attachment is an error at its line,
/// saying how to get a JPEG.
#[test]
fn heic_attachment_says_how_to_save_as_jpeg() {
    let f = fixture("  - {file: IMG_0001.HEIC, title: 现场照片}\n");
    f.write("IMG_0001.HEIC", heic());
    let err = f.reject("material.yaml");
    let yaml = std::fs::read_to_string(f.path("material.yaml")).unwrap();
    let line = line_of(&yaml, "IMG_0001.HEIC");
    let col = yaml
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("IMG_0001")
        .unwrap()
        + 1;
    assert!(err.contains("error[IN-ATTACH]"), "{err}");
    assert!(
        locations(&err).contains(&("material.yaml".to_string(), line, col)),
        "at {line}:{col}: {err}"
    );
    for says in ["HEIC", "“照片”应用", "另存为", "兼容性最佳"] {
        assert!(err.contains(says), "{says}: {err}");
    }
}

/// A profile may bind the attachments before the form: they end on a
/// right-hand page here (divider, picture, letter after the cover and its
/// back), so they get a blank back and the form starts on a right-hand page.
/// Issue 18: the blank backs came from a query for a marker at the part's
/// end, which after the attachments' own pages fell on the next part's first
/// page, and the form started on a left-hand page.
#[test]
fn attachments_bound_before_the_form_get_a_blank_back() {
    let f = fixture(
        "  - {file: cert.png, title: 质量奖证书照片}\n  - {file: letter.pdf, title: 获奖证书}\n",
    );
    let profile = std::fs::read_to_string(root().join("templates/profiles/luoyang-2023.yaml"))
        .expect("profile")
        .replace("name: luoyang-2023", "name: attachments-first")
        .replace(
            "order: [cover, form, body, attachments]",
            "order: [cover, attachments, form, body]",
        );
    f.write("tpl/profiles/attachments-first.yaml", profile);
    let yaml = std::fs::read_to_string(f.path("material.yaml"))
        .expect("material")
        .replace("profile: luoyang-2023", "profile: attachments-first");
    f.write("material.yaml", yaml);
    let out = must_succeed(f.cmd("material.yaml").arg("--templates").arg(f.path("tpl")));
    let built = Built::from_output(&f.out(), out);
    let book = probe(&built.pdf(BOOK));
    let texts: Vec<String> = book.pages.iter().map(|p| p.text()).collect();
    assert!(
        texts[2].contains("证实性材料"),
        "divider on page 3: {texts:?}"
    );
    let form = texts
        .iter()
        .position(|t| t.contains("质量标杆申报表"))
        .expect("the form in the book");
    assert_eq!(form, 6, "the form starts on page 7: {texts:?}");
    assert!(texts[5].is_empty(), "page 6 is the attachments' blank back");
}
