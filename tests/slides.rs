//! The 答辩 deck (issue 12, SPEC §11 D1–D4), read back: 答辩.pdf with
//! PyMuPDF, 答辩.pptx with python-pptx and through LibreOffice. The
//! automatic deck of the example; `slides --init` and the writer's
//! slides.md as the source, its whole text in both files; the talk-time
//! warning (D2-TIME) and a layout class it does not know (D4-SYNTAX).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Pptx {
    width: u64,
    height: u64,
    slides: Vec<PptxSlide>,
    ea_faces: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PptxSlide {
    texts: Vec<String>,
    pictures: usize,
    tables: Vec<Vec<Vec<String>>>,
    notes: String,
}

#[track_caller]
fn pptx(path: &Path) -> Pptx {
    let script = root().join("tests/pptxprobe.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pptxprobe.py failed (is python-pptx installed? `pip install python-pptx`)\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pptxprobe.py prints JSON")
}

/// `shenbao slides MATERIAL -o OUT --no-system-fonts ARGS`, from the
/// material's folder.
fn slides_cmd(material: &Path, out: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.current_dir(material.parent().unwrap())
        .arg("slides")
        .arg(material.file_name().unwrap())
        .arg("-o")
        .arg(out)
        .arg("--no-system-fonts")
        .args(args);
    cmd
}

fn folder(out: &Path) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs.pop().unwrap()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every page's text in stream order, whitespace removed.
fn page_texts(p: &Probe) -> Vec<String> {
    p.pages.iter().map(|pg| squash(&pg.stream_text)).collect()
}

/// LibreOffice renders the PPTX to as many pages as it has slides.
fn libreoffice_pages(pptx: &Path) -> Option<usize> {
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok());
    let Some(soffice) = soffice else {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice must be installed in CI (.ci/run)"
        );
        eprintln!("skipped: LibreOffice not installed");
        return None;
    };
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out.path())
        .arg(pptx)
        .output()
        .expect("soffice");
    assert!(status.status.success(), "{status:?}");
    let pdf = out
        .path()
        .join(pptx.with_extension("pdf").file_name().unwrap());
    Some(probe(&pdf).pages.len())
}

/// The `## ` section titles of a part file.
fn sections(part: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(root().join("examples/luoyang-bearing/parts").join(part)).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|t| t.trim().to_string())
        .collect()
}

/// The captions of the example's figures (`![caption](…)`).
fn figure_captions() -> Vec<String> {
    let mut out = Vec::new();
    for part in ["implementation.md", "effects.md"] {
        let text =
            std::fs::read_to_string(root().join("examples/luoyang-bearing/parts").join(part))
                .unwrap();
        for l in text.lines() {
            if let Some(rest) = l.trim().strip_prefix("![") {
                out.push(rest[..rest.find("](").unwrap()].to_string());
            }
        }
    }
    out
}

#[test]
fn the_automatic_deck_of_the_example_in_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = must_succeed(&mut slides_cmd(&example_yaml(), tmp.path(), &[]));
    let report = stdout(&out);
    let dir = folder(tmp.path());
    let pdf = probe(&dir.join("答辩.pdf"));
    let deck = pptx(&dir.join("答辩.pptx"));
    let n = pdf.pages.len();

    // D1: 16:9 pages, a sensible number of slides for ten minutes.
    for p in &pdf.pages {
        assert_close(p.width / p.height, 16.0 / 9.0, 1e-3, "16:9");
    }
    assert!((12..=30).contains(&n), "{n} slides for 10 minutes");
    assert_eq!(deck.slides.len(), n, "same slides in the PPTX");
    assert_eq!(deck.width * 9, deck.height * 16, "PPTX 16:9");

    // Measured with the font's real advances, every box holds its text
    // at the size shenbao chose (whole or half points, as in the PPTX):
    // the template's shrink loop (× 0.94 at a time) never ran.
    for (i, p) in pdf.pages.iter().enumerate() {
        for s in &p.spans {
            assert!(
                (s.size * 2.0 - (s.size * 2.0).round()).abs() < 0.02,
                "slide {}: {:?} at {} pt was shrunk by the template",
                i + 1,
                s.text,
                s.size
            );
        }
    }

    // The title slide: 标杆名称, 申报单位, date.
    let texts = page_texts(&pdf);
    for want in [
        "洛阳示例精密轴承股份有限公司基于数字化的“全链条零缺陷”精益质量管理经验",
        "洛阳示例精密轴承股份有限公司",
        "2023年3月",
    ] {
        assert!(
            texts[0].contains(want),
            "title slide lacks {want}: {}",
            texts[0]
        );
        assert!(
            squash(&deck.slides[0].texts.join("")).contains(want),
            "PPTX title slide lacks {want}"
        );
    }

    // Every `##` section of 推进实施 and 实施效果 has a slide.
    let all = texts.concat();
    let all_pptx: String = deck
        .slides
        .iter()
        .flat_map(|s| s.texts.iter())
        .map(|t| squash(t))
        .collect();
    for title in sections("implementation.md")
        .iter()
        .chain(&sections("effects.md"))
    {
        assert!(all.contains(&squash(title)), "no slide for “{title}”");
        assert!(
            all_pptx.contains(&squash(title)),
            "no PPTX slide for “{title}”"
        );
    }

    // Every figure as a picture, with its caption.
    let captions = figure_captions();
    assert_eq!(captions.len(), 5);
    for c in &captions {
        assert!(all.contains(&squash(c)), "caption “{c}” missing");
    }
    let pdf_pictures: usize = pdf.pages.iter().map(|p| p.images.len()).sum();
    let pptx_pictures: usize = deck.slides.iter().map(|s| s.pictures).sum();
    assert!(
        pdf_pictures >= captions.len(),
        "{pdf_pictures} pictures in the PDF"
    );
    assert_eq!(pptx_pictures, pdf_pictures, "same pictures in the PPTX");

    // The three years' results: the finance chart's years and revenues.
    for want in ["2020年", "2021年", "2022年", "28600", "33200", "36800"] {
        assert!(all.contains(want), "{want} not shown");
    }
    // Tables that are not yearly are PowerPoint tables.
    assert!(
        deck.slides
            .iter()
            .flat_map(|s| &s.tables)
            .any(|t| t[0][0] == "指标" && t[0].iter().any(|h| h.contains("国际标杆"))),
        "the 对标 table is a PPTX table"
    );

    // Nothing leaves its page (D3).
    for (i, p) in pdf.pages.iter().enumerate() {
        for s in &p.spans {
            assert!(
                s.bbox[0] >= -0.5
                    && s.bbox[2] <= p.width + 0.5
                    && s.bbox[1] >= -0.5
                    && s.bbox[3] <= p.height + 0.5,
                "slide {}: “{}” outside the page {:?}",
                i + 1,
                s.text,
                s.bbox
            );
        }
    }

    // Speaker notes on every slide; their talk time within ten minutes.
    assert!(
        deck.slides.iter().all(|s| !s.notes.trim().is_empty()),
        "notes everywhere"
    );
    let chars: usize = deck
        .slides
        .iter()
        .map(|s| squash(&s.notes).chars().count())
        .sum();
    let seconds = chars as f64 * 60.0 / 220.0 + pdf_pictures as f64 * 5.0;
    assert!((300.0..=600.0).contains(&seconds), "{seconds} s of script");
    assert!(report.contains("预计讲述"), "{report}");
    assert!(!stderr(&out).contains("D2-TIME"), "{}", stderr(&out));

    // East Asian faces named in the runs, as a Windows machine has them.
    assert!(
        deck.ea_faces.iter().any(|f| f == "微软雅黑") && deck.ea_faces.iter().any(|f| f == "黑体"),
        "{:?}",
        deck.ea_faces
    );

    if let Some(pages) = libreoffice_pages(&dir.join("答辩.pptx")) {
        assert_eq!(pages, n, "LibreOffice renders every slide");
    }

    // The fuller 实地考察 variant has more slides and a longer script.
    let tmp30 = tempfile::tempdir().unwrap();
    must_succeed(&mut slides_cmd(
        &example_yaml(),
        tmp30.path(),
        &["--minutes", "30"],
    ));
    let deck30 = pptx(&folder(tmp30.path()).join("答辩.pptx"));
    assert!(deck30.slides.len() > n, "{} vs {n}", deck30.slides.len());
    let chars30: usize = deck30
        .slides
        .iter()
        .map(|s| squash(&s.notes).chars().count())
        .sum();
    assert!(
        chars30 > chars * 2 && (chars30 as f64) < 30.0 * 220.0,
        "{chars30} vs {chars}"
    );
}

/// The strings of slides.md that must print: titles, bullets, paragraphs,
/// captions and cells (markup taken off), and the notes.
fn typed(md: &str) -> (Vec<String>, Vec<String>) {
    let mut shown = Vec::new();
    let mut notes = Vec::new();
    let mut in_notes = false;
    for line in md.lines() {
        let t = line.trim();
        if t == "::: 讲稿" {
            in_notes = true;
            continue;
        }
        if in_notes {
            if t == ":::" {
                in_notes = false;
            } else if !t.is_empty() {
                notes.push(t.to_string());
            }
            continue;
        }
        if t.is_empty() || t == "---" {
            continue;
        }
        let t = t.trim_start_matches('#').trim();
        let t = t
            .strip_suffix("{.title}")
            .or_else(|| t.strip_suffix("{.contents}"))
            .or_else(|| t.strip_suffix("{.closing}"))
            .or_else(|| t.strip_suffix("{.chart}"))
            .unwrap_or(t)
            .trim();
        if let Some(rest) = t.strip_prefix("![") {
            shown.push(rest[..rest.rfind("](").unwrap()].to_string());
        } else if t.starts_with('|') {
            if !t.contains("---") {
                shown.extend(t.trim_matches('|').split('|').map(|c| c.trim().to_string()));
            }
        } else {
            let t = t.strip_prefix("表：").unwrap_or(t);
            shown.push(t.trim_start_matches("- ").to_string());
        }
    }
    (shown, notes)
}

#[test]
fn slides_md_from_init_is_the_source_and_every_character_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let src = root().join("examples/luoyang-bearing");
    let dir = tmp.path().join("material");
    copy_dir(&src, &dir);
    let material = dir.join("material.yaml");

    let out = must_succeed(&mut slides_cmd(
        &material,
        &tmp.path().join("unused"),
        &["--init"],
    ));
    assert!(stdout(&out).contains("slides.md"), "{}", stdout(&out));
    let md_path = dir.join("slides.md");
    let auto = std::fs::read_to_string(&md_path).unwrap();
    assert!(
        auto.contains("::: 讲稿") && auto.contains("{.title}"),
        "{auto}"
    );
    // A second --init never overwrites the writer's file.
    std::fs::write(&md_path, format!("{auto}\n")).unwrap();
    let again = must_fail(&mut slides_cmd(
        &material,
        &tmp.path().join("unused"),
        &["--init"],
    ));
    assert!(stderr(&again).contains("已经存在"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(&md_path).unwrap(),
        format!("{auto}\n")
    );

    // The writer edits: a slide of their own, with text that looks like code.
    let mine = "\n---\n\n## 我们的体会 <!-- 照印 -->\n\n- #read(\"/etc/passwd\") 原样印出\n  - 子要点：A&B <c> “引号”\n- 第二条\n\n![“全链条零缺陷”PDCA 运行模型](img/pdca-model.png)\n\n::: 讲稿\n这一页讲三点体会。\n第二行讲稿。\n:::\n";
    std::fs::write(&md_path, format!("{auto}{mine}")).unwrap();
    let md = std::fs::read_to_string(&md_path).unwrap();
    let out_dir = tmp.path().join("out");
    let built = must_succeed(&mut slides_cmd(&material, &out_dir, &[]));
    let deck_dir = folder(&out_dir);
    let pdf = probe(&deck_dir.join("答辩.pdf"));
    let deck = pptx(&deck_dir.join("答辩.pptx"));
    let slides_in_md = md.split("\n---\n").count();
    assert_eq!(deck.slides.len(), pdf.pages.len());
    assert!(
        pdf.pages.len() >= slides_in_md,
        "{} pages for {slides_in_md} slides",
        pdf.pages.len()
    );

    let pdf_text = page_texts(&pdf).concat();
    let pptx_text: String = deck
        .slides
        .iter()
        .flat_map(|s| {
            s.texts
                .iter()
                .cloned()
                .chain(s.tables.iter().flatten().flatten().cloned())
        })
        .map(|t| squash(&t))
        .collect();
    let pptx_notes: String = deck.slides.iter().map(|s| squash(&s.notes)).collect();
    let (shown, notes) = typed(&md);
    assert!(shown.len() > 40, "{shown:?}");
    for s in &shown {
        let s = squash(s);
        assert!(pdf_text.contains(&s), "PDF lacks “{s}”");
        assert!(pptx_text.contains(&s), "PPTX lacks “{s}”");
    }
    for n in &notes {
        assert!(pptx_notes.contains(&squash(n)), "notes lack “{n}”");
    }
    assert!(!stderr(&built).contains("D2-TIME"), "{}", stderr(&built));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn an_overlong_deck_warns_with_its_talk_time() {
    let f = Fixture::yaml(SMALL_YAML);
    let script = "各位评委，".repeat(500);
    f.write(
        "slides.md",
        format!("# 标题 {{.title}}\n\n---\n\n## 内容\n\n- 要点\n\n::: 讲稿\n{script}\n:::\n"),
    );
    let out = must_succeed(&mut slides_cmd(&f.path("material.yaml"), &f.out(), &[]));
    let err = stderr(&out);
    assert!(
        err.contains("D2-TIME") && err.contains("超过 10 分钟"),
        "{err}"
    );
    assert!(at_slides_md(&err, 1, 1), "{err}");
    // 2 500 字 at 220 a minute: 11 min 22 s.
    assert!(err.contains("11分22秒"), "{err}");
    // Same input, same bytes.
    let dir = folder(&f.out());
    let first = (
        std::fs::read(dir.join("答辩.pdf")).unwrap(),
        std::fs::read(dir.join("答辩.pptx")).unwrap(),
    );
    must_succeed(&mut slides_cmd(&f.path("material.yaml"), &f.out(), &[]));
    assert!(
        std::fs::read(dir.join("答辩.pdf")).unwrap() == first.0,
        "答辩.pdf deterministic"
    );
    assert!(
        std::fs::read(dir.join("答辩.pptx")).unwrap() == first.1,
        "答辩.pptx deterministic"
    );
    // The same deck in 30 minutes is fine.
    let out = must_succeed(&mut slides_cmd(
        &f.path("material.yaml"),
        &f.out(),
        &["--minutes", "30"],
    ));
    assert!(!stderr(&out).contains("D2-TIME"), "{}", stderr(&out));
}

/// A small material with `slides.md` as given: refused with exit 1, nothing
/// written. Returns stderr.
fn refused_slides(slides_md: impl AsRef<[u8]>) -> String {
    let f = Fixture::yaml(SMALL_YAML);
    f.write("slides.md", slides_md);
    let out = must_fail(&mut slides_cmd(&f.path("material.yaml"), &f.out(), &[]));
    assert!(!f.out().exists(), "nothing written");
    stderr(&out)
}

/// Whether a diagnostic points at `slides.md:line:col`.
fn at_slides_md(err: &str, line: usize, col: usize) -> bool {
    locations(err)
        .iter()
        .any(|(file, l, c)| file.ends_with("slides.md") && *l == line && *c == col)
}

#[test]
fn an_unknown_layout_class_is_refused_at_its_line() {
    let err = refused_slides("## 一\n\n- 甲\n\n---\n\n## 二 {.fancy}\n\n- 乙\n");
    assert!(
        err.contains("D4-SYNTAX") && err.contains("{.fancy}"),
        "{err}"
    );
    assert!(at_slides_md(&err, 7, 1), "{err}");
}

/// A material not written here: figures in every part (the 摘要 and 概况
/// too, and 推进实施 without any `##`), one of them a JPEG. Each is on some
/// slide as a picture, with its caption.
#[test]
fn every_figure_of_any_part_is_a_picture() {
    let captions = ["摘要里的图", "概况里的图", "没有小标题的实施图", "效果图"];
    let mut yaml = SMALL_YAML.to_string();
    for (part, (i, cap)) in [
        "摘要正文。",
        "企业概况正文。",
        "推进实施正文。",
        "实施效果正文。",
    ]
    .iter()
    .zip(captions.iter().enumerate())
    {
        let ext = if i == 3 { "jpg" } else { "png" };
        yaml = yaml.replacen(
            &format!("  {part}"),
            &format!("  {part}\n\n  ![{cap}](img/f{i}.{ext})"),
            1,
        );
    }
    let f = Fixture::yaml(&yaml);
    let img = image::RgbImage::from_pixel(1200, 800, image::Rgb([90, 120, 200]));
    for i in 0..4 {
        let (ext, format) = if i == 3 {
            ("jpg", image::ImageFormat::Jpeg)
        } else {
            ("png", image::ImageFormat::Png)
        };
        let mut c = std::io::Cursor::new(Vec::new());
        img.write_to(&mut c, format).unwrap();
        f.write(&format!("img/f{i}.{ext}"), c.into_inner());
    }
    let (_, pdf, deck) = draft_deck(&f);
    let text = page_texts(&pdf).concat();
    for c in captions {
        assert!(text.contains(c), "caption “{c}” missing");
    }
    let pdf_pictures: usize = pdf.pages.iter().map(|p| p.images.len()).sum();
    let pptx_pictures: usize = deck.slides.iter().map(|s| s.pictures).sum();
    assert_eq!(pdf_pictures, 4);
    assert_eq!(pptx_pictures, 4);
}

/// F3 in slides.md: a character no 黑体 face has is named at its place,
/// never printed as a tofu box.
#[test]
fn a_character_no_font_has_is_f3_in_slides_md() {
    let err = refused_slides("## 一\n\n- 甲\n\n---\n\n## 二\n\n- 乙\u{20000}丙\n");
    assert!(err.contains("F3") && err.contains("U+20000"), "{err}");
    assert!(at_slides_md(&err, 9, 4), "{err}");
}

/// Builds the deck of `f`'s material as a draft; its folder and both files
/// read back.
fn draft_deck(f: &Fixture) -> (PathBuf, Probe, Pptx) {
    must_succeed(&mut slides_cmd(
        &f.path("material.yaml"),
        &f.out(),
        &["--draft"],
    ));
    let dir = folder(&f.out());
    let pdf = probe(&dir.join("答辩.pdf"));
    let deck = pptx(&dir.join("答辩.pptx"));
    (dir, pdf, deck)
}

/// Issue 23: a slides.md saved by Notepad as UTF-16 is read, with a
/// warning, and its diagnostics point at its own lines.
#[test]
fn a_utf16_slides_md_is_read_and_pointed_into() {
    let md = "## 一\n\n- 甲\n\n---\n\n## 二 {.fancy}\n\n- 乙\n";
    let err = refused_slides(utf16(md, false));
    assert!(err.contains("warning[IN-ENCODING]"), "{err}");
    assert!(err.contains("D4-SYNTAX"), "{err}");
    assert!(at_slides_md(&err, 7, 1), "{err}");
}

/// Issue 23: WebP, GIF and BMP figures reach both files of the automatic
/// deck; the PPTX holds them as PNG, which every PowerPoint opens.
#[test]
fn webp_gif_and_bmp_figures_are_pictures_in_the_deck() {
    let files = ["web.webp", "old.gif", "scan.bmp", "phone.webp"];
    let mut yaml = SMALL_YAML.to_string();
    for (part, file) in [
        "摘要正文。",
        "企业概况正文。",
        "推进实施正文。",
        "实施效果正文。",
    ]
    .iter()
    .zip(files)
    {
        yaml = yaml.replacen(
            &format!("  {part}"),
            &format!("  {part}\n\n  ![{file} 的图](img/{file})"),
            1,
        );
    }
    let f = Fixture::yaml(&yaml);
    write_pictures(&f, "img/", 1200, 800);
    let (dir, pdf, deck) = draft_deck(&f);
    let pdf_pictures: usize = pdf.pages.iter().map(|p| p.images.len()).sum();
    let pptx_pictures: usize = deck.slides.iter().map(|s| s.pictures).sum();
    assert_eq!(pdf_pictures, 4);
    assert_eq!(pptx_pictures, 4);
    let out = Command::new("python3")
        .arg("-c")
        .arg("import sys, zipfile; print(*zipfile.ZipFile(sys.argv[1]).namelist())")
        .arg(dir.join("答辩.pptx"))
        .output()
        .expect("python3");
    let names = String::from_utf8_lossy(&out.stdout).into_owned();
    let media: Vec<&str> = names
        .split_whitespace()
        .filter(|n| n.starts_with("ppt/media/"))
        .collect();
    assert_eq!(media.len(), 4, "{names}");
    assert!(media.iter().all(|n| n.ends_with(".png")), "{media:?}");
}
