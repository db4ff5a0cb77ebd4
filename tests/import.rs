//! `shenbao import` (issue 19): Word drafts of the corpus in
//! `tests/import-corpus/` (made by `make_corpus.py`, one saved by
//! LibreOffice) become materials that build, and every piece of the Word
//! file's text reaches 正文.pdf — except what the import reports as dropped.
//!
//! Each `NAME.expect.json` says what the draft holds: the front-matter
//! fields, the headings with their levels, the text that must be kept (in
//! runs of one formatting, as the Word file has them) and what must be
//! dropped (the table of contents, page numbers, deleted text, comments,
//! the 申报表's own boilerplate).

mod common;

use std::path::{Path, PathBuf};

use common::roundtrip::{self, normalise};
use common::*;
use serde_json::Value;

fn corpus(name: &str) -> PathBuf {
    root().join("tests/import-corpus").join(name)
}

fn expect(name: &str) -> Value {
    let path = corpus(&format!("{name}.expect.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("expect.json")).expect("json")
}

/// `shenbao import FILES… -o DIR`.
fn import_cmd(files: &[PathBuf], dir: &Path) -> std::process::Command {
    let mut cmd = bin();
    cmd.arg("import").args(files).arg("-o").arg(dir);
    cmd
}

/// The value of a dotted key in the front matter of `material.md`, read
/// back through YAML (so quoting and numbers are as the build reads them).
fn front_matter(md: &str) -> serde_json::Map<String, Value> {
    let body = md.strip_prefix("---\n").expect("front matter");
    let end = body.find("\n---\n").expect("front matter end");
    let yaml: Value = serde_saphyr::from_str(&body[..end]).expect("front matter is YAML");
    let mut flat = serde_json::Map::new();
    fn walk(prefix: &str, v: &Value, out: &mut serde_json::Map<String, Value>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
    walk("", &yaml, &mut flat);
    flat
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or_default();
            if f.fract() == 0.0 {
                format!("{}", f as i64)
            } else {
                n.to_string()
            }
        }
        other => other.to_string(),
    }
}

/// Every PDF's text of a built material, normalised, in one string.
fn printed(built: &Built) -> String {
    let pdfs = built.probe();
    let mut s = String::new();
    for probe in [&pdfs.cover, &pdfs.body, &pdfs.form] {
        let (body, notes) = roundtrip::streams(probe);
        s.push_str(&body.text());
        s.push_str(&notes.text());
    }
    s
}

struct Imported {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    md: String,
    report: Value,
}

#[track_caller]
fn import(files: &[&str]) -> Imported {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("材料");
    let paths: Vec<PathBuf> = files.iter().map(|f| corpus(f)).collect();
    let out = must_succeed(import_cmd(&paths, &dir).arg("--format").arg("json"));
    let report: Value = serde_json::from_str(stdout(&out).trim()).expect("report json");
    let md = std::fs::read_to_string(dir.join("material.md")).expect("material.md");
    assert!(dir.join("导入报告.txt").is_file(), "the report is written");
    Imported {
        _tmp: tmp,
        dir,
        md,
        report,
    }
}

impl Imported {
    fn material(&self) -> PathBuf {
        self.dir.join("material.md")
    }

    /// Builds the material; `draft` for drafts whose 申报表 data (address,
    /// finance) the Word file did not hold, so that content rules do not
    /// stop the round trip.
    fn build(&self, draft: bool) -> Built {
        let out = self.dir.parent().expect("parent").join("out");
        let mut cmd = build_cmd(&self.material(), &out);
        if draft {
            cmd.arg("--draft");
        }
        let done = must_succeed(&mut cmd);
        Built::from_output(&out, done)
    }

    fn kinds(&self) -> Vec<String> {
        self.report["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .map(|n| n["kind"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

/// The checks every corpus draft with an `expect.json` passes.
#[track_caller]
fn check_draft(name: &str, draft: bool) -> (Imported, Built) {
    let exp = expect(name);
    let imp = import(&[&format!("{name}.docx")]);
    let fm = front_matter(&imp.md);
    for (key, want) in exp["fields"].as_object().expect("fields") {
        let got = fm.get(key).map(as_text);
        assert_eq!(
            got.as_deref(),
            Some(as_text(want).as_str()),
            "{name}: front matter {key}\n{}",
            imp.md
        );
    }
    for h in exp["headings"].as_array().into_iter().flatten() {
        let line = format!(
            "{} {}",
            "#".repeat(h["level"].as_u64().expect("level") as usize),
            h["text"].as_str().expect("text")
        );
        assert!(
            imp.md.lines().any(|l| l == line),
            "{name}: heading line {line:?} not in material.md\n{}",
            imp.md
        );
    }
    for s in exp["md_contains"].as_array().into_iter().flatten() {
        let s = s.as_str().expect("str");
        assert!(imp.md.contains(s), "{name}: material.md lacks {s:?}");
    }
    let built = imp.build(draft);
    // The imported material prints whole (its own round trip, issue 8) …
    roundtrip::assert_roundtrip(&imp.material(), &built);
    // … and so does the Word file's text.
    let text = printed(&built);
    let mut missing = Vec::new();
    for s in exp["must_keep"].as_array().expect("must_keep") {
        let want = normalise(s.as_str().expect("str"));
        if !text.contains(&want) {
            missing.push(want);
        }
    }
    assert!(
        missing.is_empty(),
        "{name}: {} of the Word file's texts are not in the PDFs: {missing:#?}",
        missing.len()
    );
    let md = normalise(&imp.md);
    for s in exp["dropped"].as_array().into_iter().flatten() {
        let d = normalise(s.as_str().expect("str"));
        assert!(!md.contains(&d), "{name}: {d:?} should have been dropped");
    }
    (imp, built)
}

#[test]
fn word_draft_with_every_construct() {
    let (imp, built) = check_draft("word-full", false);
    let kinds = imp.kinds();
    for k in [
        "toc",
        "comment",
        "deleted",
        "inserted",
        "text-box",
        "equation",
        "chart",
        "merged-cells",
        "form-read",
        "form-text",
        "cover-title",
        "numbered-item",
        "page-field",
    ] {
        assert!(kinds.iter().any(|x| x == k), "report lacks {k}: {kinds:?}");
    }
    // Footnotes are Word footnotes in the PDF's footnote area.
    let exp = expect("word-full");
    let (_, notes) = roundtrip::streams(&built.probe().body);
    for f in exp["footnotes"].as_array().expect("footnotes") {
        let f = normalise(f.as_str().expect("str"));
        assert!(
            notes.text().contains(&f),
            "footnote {f:?} not at a page foot"
        );
    }
    // Every kept picture is on a page (the chart has none to keep).
    let kept = exp["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .filter(|f| f["kept"].as_bool() != Some(false))
        .count();
    let images: usize = built
        .probe()
        .body
        .pages
        .iter()
        .map(|p| p.images.len())
        .sum();
    assert!(images >= kept, "{images} images for {kept} pictures");
    // Captions above tables, below figures, without the typed numbers.
    assert!(imp.md.contains("表：2020—2022年主要质量指标"), "{}", imp.md);
    assert!(imp.md.contains("![质量管理组织架构图](img/"), "{}", imp.md);
    // The report names the lost chart's place and the comment's text.
    let text = std::fs::read_to_string(imp.dir.join("导入报告.txt")).expect("report");
    assert!(
        text.contains("批注未导入：此处数据请与质量部年报再核对一次。"),
        "{text}"
    );
    assert!(text.contains("图表"), "{text}");
}

#[test]
fn draft_saved_by_libreoffice() {
    check_draft("libreoffice", false);
}

#[test]
fn wps_style_draft_chooses_the_henan_profile() {
    let (imp, _) = check_draft("wps-style", true);
    assert!(imp.md.contains("profile: \"henan-2023\""), "{}", imp.md);
    // Without its 申报表, the draft lacks the address: the build says so,
    // in material.md.
    let out = imp.dir.parent().expect("parent").join("out-strict");
    let err = stderr(&must_fail(&mut build_cmd(&imp.material(), &out)));
    assert!(err.contains("V5") && err.contains("material.md:"), "{err}");
}

#[test]
fn large_draft_imports_and_builds() {
    check_draft("large", true);
}

/// A draft with no cover, no headings and no captions still imports; its
/// text goes into one part, and the build says what the material lacks,
/// pointing into material.md.
#[test]
fn plain_draft_says_what_is_missing() {
    let exp = expect("plain");
    let imp = import(&["plain.docx"]);
    let kinds = imp.kinds();
    for k in [
        "field-missing",
        "part-missing",
        "part-guessed",
        "no-caption",
    ] {
        assert!(kinds.iter().any(|x| x == k), "report lacks {k}: {kinds:?}");
    }
    for s in exp["must_keep"].as_array().expect("must_keep") {
        let want = normalise(s.as_str().expect("str"));
        assert!(
            normalise(&imp.md).contains(&want),
            "{want:?} not in material.md"
        );
    }
    let out = imp.dir.parent().expect("parent").join("out");
    let err = stderr(&must_fail(&mut build_cmd(&imp.material(), &out)));
    assert!(err.contains("material.md:"), "{err}");
    assert!(err.contains("IN-MISSING") || err.contains("IN-"), "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).expect("dir").next().is_none());
}

/// The 申报表 in a second file fills the front matter; where it disagrees
/// with the draft's cover, the report says so.
#[test]
fn form_in_a_second_file() {
    let imp = import(&["wps-style.docx", "form.docx"]);
    let fm = front_matter(&imp.md);
    let exp = expect("form");
    for key in [
        "company.address",
        "company.nature",
        "company.scale",
        "finance.2021.revenue",
        "contact.email",
    ] {
        assert_eq!(
            fm.get(key).map(as_text),
            Some(as_text(&exp["fields"][key])),
            "{key}"
        );
    }
    assert!(
        imp.kinds().iter().any(|k| k == "form-disagrees"),
        "{:?}",
        imp.kinds()
    );
}

#[test]
fn never_overwrites_a_material() {
    let imp = import(&["word-full.docx"]);
    let before = std::fs::read(imp.material()).expect("md");
    let err = stderr(&must_fail(&mut import_cmd(
        &[corpus("wps-style.docx")],
        &imp.dir,
    )));
    assert!(err.contains("OUT") && err.contains("没有覆盖"), "{err}");
    assert_eq!(std::fs::read(imp.material()).expect("md"), before);
}

/// Files that are not readable drafts: a clear message with a code,
/// nothing written, never a panic.
#[test]
fn hostile_files_are_refused() {
    for (file, code, says) in [
        ("not-a-zip.docx", "IM-DOCX", "不是 zip"),
        ("corrupt.docx", "IM-DOCX", "zip 结构损坏"),
        ("no-document.docx", "IM-DOCX", "document.xml"),
        ("xxe.docx", "IM-DOCX", "DTD"),
        ("zip-bomb.docx", "IM-LIMIT", "超过上限"),
    ] {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("材料");
        let err = stderr(&must_fail(&mut import_cmd(&[corpus(file)], &dir)));
        assert!(err.contains(code), "{file}: {err}");
        assert!(err.contains(says), "{file}: {err}");
        assert!(!err.contains("root:x:0:0"), "{file}: {err}");
        assert!(!dir.exists(), "{file}: nothing is written");
        assert_eq!(
            std::fs::read_dir(tmp.path()).expect("dir").count(),
            0,
            "{file}: no staging folder left behind"
        );
    }
}

#[test]
fn twenty_thousand_paragraphs_import() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("材料");
    must_succeed(&mut import_cmd(&[corpus("many-paragraphs.docx")], &dir));
    let md = std::fs::read_to_string(dir.join("material.md")).expect("md");
    assert!(md.lines().count() > 20_000, "every paragraph is kept");
}

/// A 50 MB picture is imported as it is (it is within the bounds).
#[test]
fn fifty_megabyte_picture() {
    let tmp = tempfile::tempdir().expect("tmp");
    let docx = tmp.path().join("huge.docx");
    write_huge_picture_docx(&docx);
    let dir = tmp.path().join("材料");
    must_succeed(&mut import_cmd(&[docx], &dir));
    let img = std::fs::read_dir(dir.join("img"))
        .expect("img/")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .max()
        .expect("a picture");
    assert!(img > 40 << 20, "the picture is kept whole: {img} bytes");
}

/// plain.docx with its picture replaced by a 4096 × 4096 PNG of noise.
fn write_huge_picture_docx(path: &Path) {
    use std::io::{Read, Write};
    let src = std::fs::File::open(corpus("plain.docx")).expect("plain.docx");
    let mut zip = zip::ZipArchive::new(src).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read");
        if name.starts_with("word/media/") && name.ends_with(".png") {
            bytes = noise_png(4096);
        }
        out.start_file(name, stored).expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish");
}

fn noise_png(side: u32) -> Vec<u8> {
    let mut data = vec![0u8; (side * side * 3) as usize];
    let mut x: u32 = 2463534242;
    for b in &mut data {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side, side);
    enc.set_color(png::ColorType::Rgb);
    enc.set_compression(png::Compression::Fastest);
    enc.write_header()
        .expect("header")
        .write_image_data(&data)
        .expect("png");
    out
}

/// A draft written by another tool: pandoc's .docx of the Markdown example
/// (`pandoc.source.md`: the example's parts after typed cover lines; pandoc
/// 2.17 names its styles "First Paragraph", "Compact", "Image Caption"…).
/// Every unit of the example's four parts prints whole, in order.
#[test]
fn draft_written_by_pandoc() {
    let imp = import(&["pandoc.docx"]);
    let fm = front_matter(&imp.md);
    assert_eq!(
        fm.get("contact.phone").map(as_text).as_deref(),
        Some("15937912345")
    );
    assert_eq!(fm.get("date").map(as_text).as_deref(), Some("2023-03-22"));
    assert!(
        imp.md
            .contains("![2019—2022年烧成一次合格率与关键特性Cpk](img/"),
        "{}",
        imp.md
    );
    let built = imp.build(true);
    let source = root().join("examples/luoyang-bearing-md/material.md");
    let exp = roundtrip::expected(&source);
    let (body, notes) = roundtrip::streams(&built.probe().body);
    let missing = roundtrip::check(&exp.units, &body, &notes);
    assert!(missing.is_empty(), "{}", roundtrip::report(&missing));
}

/// A Word file with its document.xml cut or spliced anywhere imports or is
/// refused with a diagnostic — never a panic (the library, called directly).
mod mangled {
    use super::*;
    use proptest::prelude::*;
    use std::io::{Read, Write};

    fn parts() -> &'static Vec<(String, Vec<u8>)> {
        static PARTS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
        PARTS.get_or_init(|| {
            let f = std::fs::File::open(corpus("word-full.docx")).expect("docx");
            let mut zip = zip::ZipArchive::new(f).expect("zip");
            (0..zip.len())
                .map(|i| {
                    let mut e = zip.by_index(i).expect("entry");
                    let mut b = Vec::new();
                    e.read_to_end(&mut b).expect("read");
                    (e.name().expect("name").to_string(), b)
                })
                .collect()
        })
    }

    fn pack(edit: impl Fn(&str, &[u8]) -> Vec<u8>) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in parts() {
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .expect("start");
            out.write_all(&edit(name, bytes)).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    fn run(bytes: &[u8]) {
        let draft = shenbao::import::Draft {
            name: "x.docx".into(),
            bytes,
        };
        if let Err((_, e)) =
            shenbao::import::import(&draft, &[], shenbao::import::Limits::default())
        {
            let d = e.diagnostic(Path::new("x.docx"));
            assert!(d.code.as_str().starts_with("IM-"), "{d:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn spliced_xml(part in 0usize..4, a in 0.0f64..1.0, b in 0.0f64..1.0, dup in any::<bool>()) {
            let target = ["word/document.xml", "word/styles.xml", "word/numbering.xml", "word/footnotes.xml"][part];
            let bytes = pack(|name, bytes| {
                if name != target {
                    return bytes.to_vec();
                }
                let (x, y) = ((a * bytes.len() as f64) as usize, (b * bytes.len() as f64) as usize);
                let (x, y) = (x.min(y), x.max(y));
                if dup {
                    // A range repeated: unbalanced or doubled elements.
                    [&bytes[..y], &bytes[x..]].concat()
                } else {
                    [&bytes[..x], &bytes[y..]].concat()
                }
            });
            run(&bytes);
        }

        #[test]
        fn flipped_bytes(at in 0.0f64..1.0, v in any::<u8>()) {
            let mut bytes = std::fs::read(corpus("word-full.docx")).expect("docx");
            let i = (at * (bytes.len() - 1) as f64) as usize;
            bytes[i] = v;
            run(&bytes);
        }
    }
}

/// A legacy .doc (here written by LibreOffice from the corpus) is converted
/// with LibreOffice and imported like the .docx it came from. Skipped only
/// where LibreOffice is not installed and CI is not set.
#[test]
fn legacy_doc_through_libreoffice() {
    let have = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(std::env::var_os("CI").is_none(), "CI must have LibreOffice");
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let profile = tempfile::tempdir().expect("profile");
    must_succeed(
        std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.path().display()
            ))
            .args(["--headless", "--convert-to", "doc", "--outdir"])
            .arg(tmp.path())
            .arg(corpus("wps-style.docx")),
    );
    let doc = tmp.path().join("wps-style.doc");
    let dir = tmp.path().join("材料");
    must_succeed(&mut import_cmd(&[doc], &dir));
    let md = std::fs::read_to_string(dir.join("material.md")).expect("md");
    let exp = expect("wps-style");
    let title = exp["fields"]["benchmark.title"].as_str().expect("title");
    assert!(md.contains(title), "{md}");
    for h in exp["headings"].as_array().expect("headings").iter().take(3) {
        assert!(md.contains(h["text"].as_str().expect("text")), "{md}");
    }
}

/// The original's front matter, flattened as [`front_matter`] does: the
/// YAML file itself, or the front matter of material.md.
fn original_front_matter(material: &Path) -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(material)
        .expect("material")
        .replace("\r\n", "\n");
    let text = text.trim_start_matches('\u{feff}');
    if material.extension().is_some_and(|e| e == "md") {
        front_matter(text)
    } else {
        front_matter(&format!("---\n{text}\n---\n"))
    }
}

/// The heading lines below the parts' own (`##` and deeper), in order, of
/// a material.md or of a YAML material's parts (inline or in files).
fn heading_lines(material: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(material)
        .expect("material")
        .replace("\r\n", "\n");
    let mut texts = Vec::new();
    if material.extension().is_some_and(|e| e == "md") {
        texts.push(text);
    } else {
        let yaml: Value = serde_saphyr::from_str(&text).expect("material.yaml");
        for part in ["abstract", "overview", "implementation", "effects"] {
            match &yaml[part] {
                Value::String(s) => texts.push(s.clone()),
                Value::Object(m) => {
                    let file = m["file"].as_str().expect("file");
                    let path = material.parent().expect("folder").join(file);
                    texts.push(std::fs::read_to_string(path).expect("part file"));
                }
                _ => {}
            }
        }
    }
    texts
        .iter()
        .flat_map(|t| t.lines())
        .filter(|l| l.starts_with("##"))
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// The inline marks of a text: `**bold**`, `^sup^`, `~sub~`, each with
/// the text it marks.
fn marks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for mark in ["**", "^", "~"] {
        let mut rest = text;
        while let Some(i) = rest.find(mark) {
            let after = &rest[i + mark.len()..];
            let Some(j) = after.find(mark) else { break };
            let inner = &after[..j];
            if !inner.is_empty() && !inner.contains('\n') {
                out.push(format!("{mark}{inner}{mark}"));
            }
            rest = &after[j + mark.len()..];
        }
    }
    out
}

/// Export → import (issue 22): each bundled example built to Word, the
/// exported 申报材料.docx imported back. The imported material holds the
/// cover's and the 申报表's values in its front matter, the original's
/// headings at their levels and its bold, superscript and subscript; it
/// builds without errors, and every unit of the original's four parts
/// (paragraphs, headings, list items, table captions and cells, figure
/// captions, footnotes) is printed whole and in order in its 正文.pdf.
#[test]
fn exported_word_file_imports_back_losslessly() {
    // The Markdown example once more with what neither example has: 附表
    // (`details`), a footnote holding a subscript, headings of levels 4
    // and 5 (one starting with a year), a bold run with a subscript inside.
    let noted = tempfile::tempdir().expect("temp dir");
    let md_example = root().join("examples/luoyang-bearing-md");
    std::fs::create_dir(noted.path().join("img")).expect("img");
    for e in std::fs::read_dir(md_example.join("img")).expect("img") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), noted.path().join("img").join(e.file_name())).expect("copy");
    }
    let text = std::fs::read_to_string(md_example.join("material.md")).expect("material");
    let text = text.replace("\r\n", "\n").replacen(
        "法定代表人王建伟。",
        "法定代表人王建伟[^1]。\n\n[^1]: 王建伟为公司创始人，主持了含H~2~O处理站在内的建设。",
        1,
    );
    let text = text.replacen(
        "### 建立控制图监控机制\n",
        "### 建立控制图监控机制\n\n#### 控制图的选择\n\n按参数特性选用控制图。\n\n\
         ##### 计量型参数\n\n选用均值—极差图。\n\n##### 2022年新增参数\n\n\
         新增**H~2~O含量**一项。\n\n",
        1,
    );
    let text = text
        .replacen(
            "patents: {applied: 12, granted: 8}",
            "patents: {applied: 2, granted: 1}",
            1,
        )
        .replacen("group: 1, enterprise: 6}", "group: 1, enterprise: 0}", 1)
        .replacen(
            "honors: 3\n",
            "honors: 1\ndetails:\n  patents:\n    \
             - {name: 一种氧化铝陶瓷衬板的烧成方法, number: ZL202110123456.7, status: 授权, date: 2022-05-10}\n    \
             - {name: 一种陶瓷球等静压模具, number: \"202211234567.8\", status: 申请, date: 2022-11-20}\n  \
             standards:\n    - {name: 耐磨氧化铝陶瓷衬板, number: T/HNXX 001-2022, level: 团体, role: 主导}\n  \
             honors:\n    - {name: 河南省专精特新中小企业, by: 河南省工业和信息化厅, year: 2022}\n",
            1,
        );
    assert!(text.contains("[^1]:"), "the footnote is placed");
    assert!(text.contains("details:"), "the 附表 are placed");
    assert!(text.contains("##### 2022年"), "the headings are placed");
    std::fs::write(noted.path().join("material.md"), text).expect("write");
    let examples = [
        example_yaml(),
        md_example.join("material.md"),
        noted.path().join("material.md"),
    ];
    for original in examples {
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = tmp.path().join("word");
        let done = must_succeed(build_cmd(&original, &out).args(["--outputs", "docx"]));
        let word = Built::from_output(&out, done).folder.join("申报材料.docx");
        let dir = tmp.path().join("材料");
        let out = must_succeed(import_cmd(&[word], &dir).arg("--format").arg("json"));
        let report: Value = serde_json::from_str(stdout(&out).trim()).expect("report json");
        let md = std::fs::read_to_string(dir.join("material.md")).expect("material.md");
        let name = original.display();

        // The front matter: every value the cover and the 申报表 print.
        let want = original_front_matter(&original);
        let got = front_matter(&md);
        let mut compared = 0;
        for (key, value) in &want {
            // Not printed on the cover or the form: the parts themselves,
            // the number of employees (a check of the 企业类型 only).
            let printed = !matches!(
                key.as_str(),
                "abstract" | "overview" | "implementation" | "effects" | "company.employees"
            ) && !key.starts_with("implementation.")
                && !key.starts_with("effects.");
            if !printed {
                continue;
            }
            compared += 1;
            assert_eq!(
                got.get(key).map(as_text).as_deref(),
                Some(as_text(value).as_str()),
                "{name}: front matter {key}\n{md}"
            );
        }
        assert!(compared >= 25, "{name}: only {compared} values compared");

        // Nothing of the cover or the form in the parts; nothing guessed.
        let kinds: Vec<&str> = report["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .filter_map(|n| n["kind"].as_str())
            .collect();
        for k in [
            "part-guessed",
            "part-missing",
            "title-missing",
            "no-caption",
        ] {
            assert!(!kinds.contains(&k), "{name}: report says {k}: {kinds:?}");
        }
        let body = md.split("\n---\n").nth(1).expect("body");
        for words in [
            "申报单位",
            "联系方式",
            "县区工业和信息化主管部门推荐意见",
            "说明：",
        ] {
            assert!(
                !body.contains(words),
                "{name}: {words:?} in the parts\n{body}"
            );
        }

        // The headings at their levels, the inline marks.
        assert_eq!(
            heading_lines(&dir.join("material.md")),
            heading_lines(&original),
            "{name}: headings"
        );
        let imported_marks = marks(body);
        let all: String = if original.extension().is_some_and(|e| e == "md") {
            std::fs::read_to_string(&original).expect("material")
        } else {
            let dir = original.parent().expect("folder");
            let mut s = std::fs::read_to_string(&original).expect("material");
            for f in ["parts/implementation.md", "parts/effects.md"] {
                s += &std::fs::read_to_string(dir.join(f)).expect("part");
            }
            s
        };
        let original_marks = marks(&all);
        assert!(!original_marks.is_empty(), "{name}: no marks to compare");
        for m in &original_marks {
            assert!(
                imported_marks.contains(m),
                "{name}: {m:?} lost\n{imported_marks:?}"
            );
        }

        // It builds without errors, and the original's text is printed whole.
        let out = tmp.path().join("out");
        let done = must_succeed(&mut build_cmd(&dir.join("material.md"), &out));
        let built = Built::from_output(&out, done);
        let exp = roundtrip::expected(&original);
        let pdfs = built.probe();
        let (text, notes) = roundtrip::streams(&pdfs.body);
        let missing = roundtrip::check(&exp.units, &text, &notes);
        assert!(
            missing.is_empty(),
            "{name}: {} of {} units not printed whole in the imported material's 正文.pdf:\n{}",
            missing.len(),
            exp.units.len(),
            roundtrip::report(&missing)
        );
        let images: usize = pdfs.body.pages.iter().map(|p| p.images.len()).sum();
        assert_eq!(images, exp.figures, "{name}: figures");
        eprintln!(
            "{name}: {compared} front-matter values, {} headings, {} marks, {} units, {images} figures",
            heading_lines(&original).len(),
            original_marks.len(),
            exp.units.len()
        );
        let cover = normalise(&roundtrip::streams(&pdfs.cover).0.text());
        for (what, text) in &exp.cover {
            assert!(
                cover.contains(text.as_str()),
                "{name}: 封面.pdf lacks {what}"
            );
        }
        let form = normalise(&pdfs.form.stream_text());
        for (what, text) in &exp.form {
            assert!(
                form.contains(text.as_str()),
                "{name}: 申报表.pdf lacks {what}"
            );
        }
    }
}
