//! The Word files (issue 22): 申报材料.docx and 申报表.docx read back with
//! python-docx (tests/docxprobe.py) — styles, numbering, captions, tables,
//! footnotes, sections, the form — and rendered by LibreOffice, whose PDF is
//! read back with PyMuPDF: the body's text in the order of 正文.pdf, captions
//! above tables and below figures, every picture, the cover's 40 pt pitch.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Docx {
    core: Core,
    styles: BTreeMap<String, Style>,
    levels: Vec<Level>,
    paragraphs: Vec<Para>,
    tables: Vec<Table>,
    footnotes: Vec<String>,
    sections: Vec<Section>,
    pictures: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Core {
    title: String,
    author: String,
    created: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Style {
    name: String,
    east_asia: Option<String>,
    size: Option<f64>,
    bold: bool,
    line: Option<String>,
    line_rule: Option<String>,
    jc: Option<String>,
    first_line_chars: Option<String>,
    outline: Option<String>,
    num_id: Option<String>,
    ilvl: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Level {
    fmt: String,
    text: String,
    style: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Para {
    style: Option<String>,
    text: String,
    fields: Vec<String>,
    picture_widths: Vec<i64>,
    footnote_refs: usize,
}

#[derive(Debug, Deserialize)]
struct Table {
    rows: Vec<Vec<String>>,
    header: Vec<bool>,
    grid: Vec<u32>,
    merged: usize,
}

#[derive(Debug, Deserialize)]
struct Section {
    width: String,
    height: String,
    margins: BTreeMap<String, String>,
    start: Option<String>,
    footer: Option<Footer>,
    page_start: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Footer {
    fields: Vec<String>,
    style: Vec<String>,
}

#[track_caller]
fn docx(path: &Path) -> Docx {
    let out = Command::new("python3")
        .arg(root().join("tests/docxprobe.py"))
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "docxprobe.py failed (is python-docx installed? `pip install python-docx==1.1.2`)\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("docxprobe.py prints JSON")
}

/// A material built with `--outputs docx,book`: its folder, kept for the
/// test binary's life (the LibreOffice test shares the builds).
struct Build {
    _tmp: tempfile::TempDir,
    folder: PathBuf,
}

fn build(material: &Path) -> Build {
    let tmp = tempfile::tempdir().unwrap();
    let out = must_succeed(build_cmd(material, tmp.path()).args(["--outputs", "docx,book"]));
    let folder = Built::from_output(tmp.path(), out).folder;
    Build { _tmp: tmp, folder }
}

fn example_md() -> PathBuf {
    root().join("examples/luoyang-bearing-md/material.md")
}

fn yaml_build() -> &'static Build {
    static B: OnceLock<Build> = OnceLock::new();
    B.get_or_init(|| build(&example_yaml()))
}

fn md_build() -> &'static Build {
    static B: OnceLock<Build> = OnceLock::new();
    B.get_or_init(|| build(&example_md()))
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(*c as u32, 0x200B..=0x200F | 0xFEFF))
        .collect()
}

/// The figures' captions typed in the YAML example's parts, in order.
fn example_figures() -> usize {
    ["implementation.md", "effects.md"]
        .iter()
        .map(|p| {
            std::fs::read_to_string(root().join("examples/luoyang-bearing/parts").join(p))
                .unwrap()
                .lines()
                .filter(|l| l.trim().starts_with("!["))
                .count()
        })
        .sum()
}

#[test]
fn styles_numbering_captions_tables_and_sections_of_the_example() {
    let b = yaml_build();
    let d = docx(&b.folder.join("申报材料.docx"));

    // Properties: the title and the enterprise, no date.
    assert_eq!(
        d.core.author,
        b.folder.file_name().unwrap().to_string_lossy()
    );
    assert!(d.core.title.ends_with("经验"), "{}", d.core.title);
    assert_eq!(d.core.created, None);

    // Styles (B4, B6, B8, C1, C2): real faces by eastAsia, sizes, spacing.
    let s = |id: &str| d.styles.get(id).unwrap_or_else(|| panic!("style {id}"));
    let normal = s("Normal");
    assert_eq!(normal.name, "Normal"); // Word shows it as 正文
    assert_eq!(normal.east_asia.as_deref(), Some("宋体"));
    assert_eq!(normal.size, Some(12.0));
    assert_eq!(normal.line.as_deref(), Some("240"));
    assert_eq!(normal.line_rule.as_deref(), Some("auto"));
    assert_eq!(normal.jc.as_deref(), Some("both"));
    assert_eq!(normal.first_line_chars.as_deref(), Some("200"));
    assert!(!normal.bold);
    for (n, fmt, text) in [
        (1, "chineseCounting", "%1、"),
        (2, "chineseCounting", "（%2）"),
        (3, "decimal", "%3."),
        (4, "decimal", "（%4）"),
    ] {
        let h = s(&format!("Heading{n}"));
        assert_eq!(h.name, format!("heading {n}")); // 标题 n
        assert_eq!(h.east_asia.as_deref(), Some("宋体"));
        assert_eq!(h.size, Some(12.0));
        assert!(h.bold);
        assert_eq!(h.first_line_chars.as_deref(), Some("200"));
        assert_eq!(h.outline, Some((n - 1).to_string()));
        assert_eq!(h.num_id.as_deref(), Some("1"));
        assert_eq!(h.ilvl, Some((n - 1).to_string()));
        let l = &d.levels[n - 1];
        assert_eq!((l.fmt.as_str(), l.text.as_str()), (fmt, text));
        assert_eq!(l.style, Some(format!("Heading{n}")));
    }
    let caption = s("Caption");
    assert_eq!(caption.name, "caption"); // 题注
    assert_eq!(
        (caption.east_asia.as_deref(), caption.size, caption.bold),
        (Some("宋体"), Some(10.5), true)
    );
    assert_eq!(caption.jc.as_deref(), Some("center"));
    assert_eq!(caption.first_line_chars, None);
    let table = s("TableText");
    assert_eq!(table.name, "表格");
    assert_eq!(
        (table.east_asia.as_deref(), table.size),
        (Some("宋体"), Some(12.0))
    );
    assert_eq!(table.line_rule.as_deref(), Some("auto"));
    let title = s("Title");
    assert_eq!(
        (title.east_asia.as_deref(), title.size),
        (Some("黑体"), Some(18.0))
    );
    let abs = s("Abstract");
    assert_eq!(
        (
            abs.name.as_str(),
            abs.size,
            abs.bold,
            abs.outline.as_deref()
        ),
        ("摘要", Some(14.0), true, Some("0"))
    );
    let field = s("CoverField");
    assert_eq!(
        (field.east_asia.as_deref(), field.size),
        (Some("黑体"), Some(16.0))
    );
    assert_eq!(
        (field.line.as_deref(), field.line_rule.as_deref()),
        (Some("800"), Some("exact"))
    );
    assert_eq!(s("CoverTitle").east_asia.as_deref(), Some("华文中宋"));
    assert_eq!(s("CoverTitle").size, Some(36.0));
    assert_eq!(s("FootnoteText").size, Some(9.0));

    // The headings: the three parts are 标题 1, 摘要 is not numbered.
    let parts: Vec<&str> = d
        .paragraphs
        .iter()
        .filter(|p| p.style.as_deref() == Some("Heading1"))
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "企业概况",
            "管理方法（技术）的推进实施与运行",
            "管理方法（技术）的实施效果"
        ]
    );
    // Typed numbers are not doubled: the list numbers every heading.
    for p in &d.paragraphs {
        if p.style.as_deref().is_some_and(|s| s.starts_with("Heading")) {
            assert!(
                !p.text.starts_with(['一', '（', '1', '2', '3']),
                "{}",
                p.text
            );
        }
    }

    // Captions (B6, B7): SEQ fields numbered 1, 2, … per kind; a table's
    // caption comes before its table, a figure's after its picture.
    let mut seen = BTreeMap::new();
    for (i, p) in d.paragraphs.iter().enumerate() {
        if p.style.as_deref() != Some("Caption") {
            continue;
        }
        let kind = p.text.chars().next().unwrap();
        assert_eq!(p.fields.len(), 1, "{p:?}");
        assert_eq!(p.fields[0].trim(), format!("SEQ {kind} \\* ARABIC"));
        let n = seen.entry(kind).or_insert(0);
        *n += 1;
        assert!(p.text.starts_with(&format!("{kind}{n} ")), "{}", p.text);
        if kind == '图' {
            assert!(!d.paragraphs[i - 1].picture_widths.is_empty(), "{p:?}");
        }
    }
    let body_tables = d.tables.len() - 1 - usize::from(d.tables.len() > 2);
    assert!(
        seen[&'表'] >= 5 && seen[&'图'] == example_figures(),
        "{seen:?}"
    );
    // Every table of the body repeats its header row and nothing else.
    let repeated: Vec<&Table> = d
        .tables
        .iter()
        .filter(|t| t.header.first() == Some(&true))
        .collect();
    assert!(
        repeated.len() >= seen[&'表'],
        "{} of {body_tables}",
        repeated.len()
    );
    for t in &repeated {
        assert!(t.header[1..].iter().all(|h| !h));
        assert!(
            t.grid.iter().sum::<u32>() <= 8504,
            "wider than the text: {:?}",
            t.grid
        );
    }

    // Pictures embedded, at their placed width (no wider than the text).
    assert_eq!(d.pictures.len(), example_figures());
    let widths: Vec<i64> = d
        .paragraphs
        .iter()
        .flat_map(|p| p.picture_widths.clone())
        .collect();
    assert_eq!(widths.len(), example_figures());
    assert!(
        widths
            .iter()
            .all(|w| *w > 0 && *w <= (mm(210.0 - 63.6) * 12700.0).round() as i64 + 1)
    );

    // Sections: cover, form, body; A4, the profile's margins, the form's own;
    // page numbers (a centred PAGE field) from 1 in the body only; with
    // duplex printing the form and the body start on a right-hand page.
    assert_eq!(d.sections.len(), 3, "{:?}", d.sections);
    for sec in &d.sections {
        assert_eq!(
            (sec.width.as_str(), sec.height.as_str()),
            ("11906", "16838")
        );
        assert_eq!(sec.margins["top"], "1440");
    }
    assert_eq!(d.sections[0].margins["left"], "1803");
    assert_eq!(d.sections[1].margins["left"], "1417");
    assert_eq!(d.sections[2].margins["left"], "1803");
    assert!(d.sections[0].footer.is_none() && d.sections[1].footer.is_none());
    let footer = d.sections[2].footer.as_ref().expect("the body's footer");
    assert_eq!(
        footer.fields.iter().map(|f| f.trim()).collect::<Vec<_>>(),
        ["PAGE \\* Arabic"]
    );
    assert_eq!(footer.style, ["Footer"]);
    assert_eq!(s("Footer").jc.as_deref(), Some("center"));
    assert_eq!(d.sections[2].page_start.as_deref(), Some("1"));
    assert_eq!(d.sections[1].start.as_deref(), Some("oddPage"));
    assert_eq!(d.sections[2].start.as_deref(), Some("oddPage"));

    // The cover: five fields, labels then full-width colon.
    let fields: Vec<&str> = d
        .paragraphs
        .iter()
        .filter(|p| p.style.as_deref() == Some("CoverField"))
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(fields.len(), 5);
    for (f, label) in fields.iter().zip([
        "标杆名称：",
        "申报单位：",
        "联系人：",
        "联系方式：",
        "申报日期：",
    ]) {
        assert!(f.starts_with(label), "{f}");
    }
    assert!(fields[4].starts_with("申报日期：2023年3月20日"));
}

#[test]
fn the_form_alone_is_a_word_table_with_merged_cells_and_ticks() {
    let b = yaml_build();
    let d = docx(&b.folder.join("申报表.docx"));
    assert_eq!(d.sections.len(), 1);
    assert_eq!(d.sections[0].margins["left"], "1417");
    assert!(d.sections[0].footer.is_none());
    let form = &d.tables[0];
    let row = |label: &str| {
        form.rows
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("row {label}: {:?}", form.rows))
    };
    assert_eq!(row("企业名称")[1], "洛阳示例精密轴承股份有限公司");
    let ticks = |s: &str| (s.matches('☑').count(), s.matches('□').count());
    assert_eq!(ticks(&row("企业性质")[1]), (1, 3));
    assert_eq!(ticks(&row("企业类型*")[1]), (1, 3));
    assert!(row("所属行业类别*")[1].starts_with("3451"));
    assert_eq!(row("质量管理机构负责人")[1], "姓名");
    assert_eq!(row("近三年发展情况")[1..], ["2020年", "2021年", "2022年"]);
    assert!(form.rows.iter().any(|r| r[0] == "联系人" && r[1] == "姓名"));
    assert!(
        form.rows
            .iter()
            .any(|r| r.contains(&"联系电话".to_string()))
    );
    assert!(form.rows.iter().any(|r| r[0].starts_with("质量标杆")));
    // 联系人 over two rows, 主导… over six, the spans of the value cells.
    assert!(form.merged >= 12, "{}", form.merged);
    // The declaration with its blank and the county's box.
    let boxes = &d.tables[1];
    assert!(boxes.rows[0][0].contains("（公司名称需手工填写全称，与公章保持一致）公司在质量"));
    assert!(boxes.rows[0][0].contains("企业名称（公章）"));
    assert!(boxes.rows[1][0].starts_with("县区工业和信息化主管部门推荐意见"));
    // The note under the form.
    assert!(d.paragraphs.iter().any(|p| p.text.starts_with("*说明：1.")));
    // The same form in the book.
    let book = docx(&b.folder.join("申报材料.docx"));
    assert_eq!(book.tables[0].rows, form.rows);
}

#[test]
fn the_same_material_gives_the_same_bytes_and_markdown_too() {
    let again = build(&example_yaml());
    for name in ["申报材料.docx", "申报表.docx"] {
        let a = std::fs::read(yaml_build().folder.join(name)).unwrap();
        let b = std::fs::read(again.folder.join(name)).unwrap();
        assert!(a == b, "{name} differs between two builds");
    }
    // The Markdown example writes the same kinds of parts.
    let d = docx(&md_build().folder.join("申报材料.docx"));
    assert_eq!(d.sections.len(), 3);
    assert!(
        d.paragraphs
            .iter()
            .any(|p| p.style.as_deref() == Some("Heading2"))
    );
    assert!(!d.pictures.is_empty());
}

#[test]
fn footnotes_runs_and_hostile_text_print_as_typed() {
    let yaml = SMALL_YAML.replace(
        "  推进实施正文。\n",
        "  推进实施正文<script>alert(1)</script>与 #read(\"/etc/passwd\") 以及 **加粗**、CO~2~、m^2^ 和脚注[^1]。\n\n  [^1]: 脚注正文 & 说明。\n",
    );
    let f = Fixture::yaml(&yaml);
    let folder = Built::from_output(
        &f.out(),
        must_succeed(f.cmd("material.yaml").args(["--outputs", "docx"])),
    )
    .folder;
    let path = folder.join("申报材料.docx");
    let d = docx(&path);
    let para = d
        .paragraphs
        .iter()
        .find(|p| p.text.starts_with("推进实施正文"))
        .expect("the paragraph");
    assert_eq!(
        para.text,
        "推进实施正文<script>alert(1)</script>与 #read(\"/etc/passwd\") 以及 加粗、CO2、m2 和脚注。"
    );
    assert_eq!(para.footnote_refs, 1);
    assert_eq!(d.footnotes, ["脚注正文 & 说明。"]);
    // Bold and scripts are run properties; no invisible characters added.
    let xml = unzip(&path, "word/document.xml");
    assert!(xml.contains("<w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">加粗"));
    assert!(
        xml.contains("<w:vertAlign w:val=\"subscript\"/></w:rPr><w:t xml:space=\"preserve\">2")
    );
    assert!(
        xml.contains("<w:vertAlign w:val=\"superscript\"/></w:rPr><w:t xml:space=\"preserve\">2")
    );
    assert!(xml.contains("&lt;script&gt;"));
    assert!(
        !xml.chars()
            .any(|c| matches!(c as u32, 0x200B..=0x200F | 0x2060 | 0xFEFF | 0xAD))
    );
}

fn unzip(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut s).unwrap();
    s
}

// ---------------------------------------------------------------------------
// Through LibreOffice

/// A fontconfig file that adds the bundled faces under the notice's names
/// (and Times New Roman's), so LibreOffice sets the files with the faces
/// the PDF uses.
fn fontconfig(dir: &Path) -> PathBuf {
    let conf = dir.join("fonts.conf");
    let alias = |name: &str, face: &str| {
        format!(
            "<alias binding=\"same\"><family>{name}</family><prefer><family>{face}</family></prefer></alias>"
        )
    };
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig>\
             <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include><dir>{}</dir>\
             <cachedir>{}</cachedir>{}{}{}{}</fontconfig>",
            root().join("fonts").display(),
            dir.join("cache").display(),
            alias("宋体", "Noto Serif CJK SC"),
            alias("黑体", "Noto Sans CJK SC"),
            alias("华文中宋", "Noto Serif CJK SC"),
            // Latin text is in Times New Roman, which this machine lacks (its
            // fallback, DejaVu Serif, is 40 % wider): the PDF's Latin face.
            alias("Times New Roman", "Noto Serif CJK SC"),
        ),
    )
    .unwrap();
    conf
}

/// LibreOffice's PDFs of `files` (None when it is not installed outside CI).
fn libreoffice(files: &[&Path], out: &Path) -> Option<Vec<PathBuf>> {
    if Command::new("soffice").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice must be installed in CI (.ci/run)"
        );
        eprintln!("skipped: LibreOffice not installed");
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new("soffice")
        .env("FONTCONFIG_FILE", fontconfig(out))
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(files)
        .output()
        .expect("soffice");
    assert!(status.status.success(), "{status:?}");
    Some(
        files
            .iter()
            .map(|f| out.join(f.with_extension("pdf").file_name().unwrap()))
            .collect(),
    )
}

/// A document's text from `first` on, page by page, whitespace removed,
/// each page's number (its last line equal to it) taken out.
fn body_text(p: &Probe, first: usize) -> String {
    let mut s = String::new();
    for (k, page) in p.pages[first..].iter().enumerate() {
        let mut lines: Vec<&str> = page.stream_text.lines().collect();
        let n = (k + 1).to_string();
        if let Some(i) = lines.iter().rposition(|l| l.trim() == n) {
            lines.remove(i);
        }
        s += &squash(&lines.concat());
    }
    s
}

/// Each table's header after its first appearance taken out: where the
/// pages break differs, so do the repeated headers.
fn without_repeated(mut s: String, heads: &[String]) -> String {
    for h in heads {
        if let Some(i) = s.find(h.as_str()) {
            let rest = s[i + h.len()..].replace(h.as_str(), "");
            s.truncate(i + h.len());
            s += &rest;
        }
    }
    s
}

/// Punctuation LibreOffice 7 drops at a line's end when it would hang in
/// the margin (Word prints it there): not compared.
fn hangs(c: char) -> bool {
    "，。、；：！？".contains(c)
}

/// The body's text in LibreOffice's PDF is the text of 正文.pdf in the same
/// order (the whole-text round trip), up to repeated table headers and the
/// line-end punctuation LibreOffice drops; a table whose cell wraps reads
/// line by line across its row there, so the comparison is by characters
/// as well as by paragraph order.
fn same_text_as_the_pdf(build: &Build, lo: &Probe) -> usize {
    let pdf = probe(&build.folder.join("正文.pdf"));
    let d = docx(&build.folder.join("申报材料.docx"));
    let first = squash(&pdf.pages[0].stream_text);
    let start = lo
        .pages
        .iter()
        .position(|p| squash(&p.stream_text).starts_with(&first[..first.len().min(45)]))
        .expect("the body's first page");
    let heads: Vec<String> = d
        .tables
        .iter()
        .filter(|t| t.header.first() == Some(&true))
        .map(|t| squash(&t.rows[0].concat()))
        .collect();
    let want = without_repeated(body_text(&pdf, 0), &heads);
    let got = without_repeated(body_text(lo, start), &heads);
    let mut a: Vec<char> = want.chars().filter(|c| !hangs(*c)).collect();
    let mut b: Vec<char> = got.chars().filter(|c| !hangs(*c)).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert!(a == b, "the characters differ:\nPDF {want}\nLO  {got}");
    let dropped =
        want.chars().filter(|c| hangs(*c)).count() - got.chars().filter(|c| hangs(*c)).count();
    assert!(dropped <= 10, "{dropped} punctuation marks missing");
    // Every paragraph outside tables, in order, in both.
    let plain = |s: &str| s.chars().filter(|c| !hangs(*c)).collect::<String>();
    let (want_p, got_p) = (plain(&want), plain(&got));
    let (mut i, mut j) = (0, 0);
    let mut n = 0;
    for p in d
        .paragraphs
        .iter()
        .skip_while(|p| p.style.as_deref() != Some("Title"))
    {
        let t = plain(&squash(&p.text));
        if t.is_empty() {
            continue;
        }
        i = i + want_p[i..]
            .find(&t)
            .unwrap_or_else(|| panic!("not in 正文.pdf after {i}: {t}"));
        j = j + got_p[j..]
            .find(&t)
            .unwrap_or_else(|| panic!("not in LibreOffice's PDF after {j}: {t}"));
        n += 1;
    }
    n
}

#[test]
fn libreoffice_prints_the_examples_as_the_pdf() {
    let (y, m) = (yaml_build(), md_build());
    let tmp = tempfile::tempdir().unwrap();
    let copy = |b: &Build, name: &str| {
        let to = tmp.path().join(name);
        std::fs::copy(b.folder.join("申报材料.docx"), &to).unwrap();
        to
    };
    let (a, b) = (copy(y, "yaml.docx"), copy(m, "md.docx"));
    let form = y.folder.join("申报表.docx");
    let Some(pdfs) = libreoffice(&[&a, &b, &form], tmp.path()) else {
        return;
    };
    let yaml_pdf = probe(&pdfs[0]);
    assert!(same_text_as_the_pdf(y, &yaml_pdf) > 50);
    assert!(same_text_as_the_pdf(m, &probe(&pdfs[1])) > 20);

    // Every picture printed, each caption below its figure and each table's
    // caption above its table's top rule.
    let images: usize = yaml_pdf.pages.iter().map(|p| p.images.len()).sum();
    assert_eq!(images, example_figures());
    let (mut tables, mut figures) = (0, 0);
    for page in &yaml_pdf.pages {
        for s in &page.spans {
            // The label, its SEQ field and the caption are separate spans
            // of one line.
            let mut line: Vec<&TextSpan> = page
                .spans
                .iter()
                .filter(|t| (t.y - s.y).abs() < 0.5 && t.x >= s.x)
                .collect();
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let text: String = line.iter().map(|t| t.text.as_str()).collect();
            match caption_label(&squash(&text)) {
                Some(('表', _)) if s.size == 10.5 => {
                    let rule_below = page
                        .lines
                        .iter()
                        .any(|l| l.is_horizontal() && l.top() > s.y && l.top() - s.y < 12.0);
                    assert!(rule_below, "no table under {}", s.text);
                    tables += 1;
                }
                Some(('图', _)) if s.size == 10.5 => {
                    let above = page.images.iter().any(|b| b[3] <= s.y && s.y - b[3] < 20.0);
                    assert!(above, "no figure above {}", s.text);
                    figures += 1;
                }
                _ => {}
            }
        }
    }
    assert_eq!(figures, example_figures());
    assert!(tables >= 5, "{tables}");

    // The cover: its field lines at the 40 pt pitch (C2).
    let cover = &yaml_pdf.pages[0];
    let mut ys: Vec<f64> = cover
        .spans
        .iter()
        .filter(|s| (s.size - 16.0).abs() < 0.1 && !s.text.trim().is_empty())
        .map(|s| s.y)
        .collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    assert_eq!(ys.len(), 6, "five fields, the title's on two lines: {ys:?}");
    for w in ys.windows(2) {
        assert_close(w[1] - w[0], 40.0, 0.1, "the cover's line pitch");
    }

    // The form alone: as many pages as 申报表.pdf has.
    let form_pdf = probe(&pdfs[2]);
    let built = must_succeed(
        build_cmd(&example_yaml(), &tmp.path().join("form")).args(["--outputs", "form"]),
    );
    let form_dir = Built::from_output(&tmp.path().join("form"), built).folder;
    assert_eq!(
        form_pdf.pages.len(),
        probe(&form_dir.join("申报表.pdf")).pages.len()
    );
}

/// The Word files in the default set when the profile says so (issue 22):
/// off for luoyang-2023 (a plain `build` writes no .docx); a profile in
/// `--templates` with `outputs: {docx: true}` makes a plain `build` write
/// both, and `--outputs` still chooses exactly what it names.
#[test]
fn the_profile_puts_the_word_files_in_the_default_set() {
    let files = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".docx"))
            .collect();
        names.sort();
        names
    };
    let f = Fixture::yaml(SMALL_YAML);
    let plain = Built::from_output(&f.out(), must_succeed(&mut f.cmd("material.yaml")));
    assert!(files(&plain.folder).is_empty(), "off by default");
    assert!(plain.folder.join(BODY).is_file());

    let profile = default_profile();
    assert!(
        profile.contains("outputs: {docx: false}"),
        "the field is shown"
    );
    let g = Fixture::yaml(SMALL_YAML);
    g.write(
        "tpl/profiles/luoyang-2023.yaml",
        profile.replace("outputs: {docx: false}", "outputs: {docx: true}"),
    );
    let on = Built::from_output(
        &g.out(),
        must_succeed(g.cmd("material.yaml").arg("--templates").arg(g.path("tpl"))),
    );
    assert_eq!(files(&on.folder), ["申报材料.docx", "申报表.docx"]);
    assert!(on.folder.join(BODY).is_file(), "the PDFs as before");
    assert_eq!(
        docx(&on.folder.join("申报材料.docx")).core.author,
        SMALL_COMPANY
    );

    // Named outputs are exactly those named, whatever the profile says.
    let h = Fixture::yaml(SMALL_YAML);
    h.write(
        "tpl/profiles/luoyang-2023.yaml",
        default_profile().replace("outputs: {docx: false}", "outputs: {docx: true}"),
    );
    let named = Built::from_output(
        &h.out(),
        must_succeed(
            h.cmd("material.yaml")
                .arg("--templates")
                .arg(h.path("tpl"))
                .args(["--outputs", "form"]),
        ),
    );
    assert!(files(&named.folder).is_empty(), "--outputs form only");
}
