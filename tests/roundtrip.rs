//! Issue 8, "every character the writer typed reaches the page": a standing
//! whole-text round trip. Each material is built once; its text, split into
//! units and stripped of Markdown markup independently of shenbao's parser
//! (tests/common/roundtrip.rs), must come back whole and in order from the
//! PDFs. The corpus (tests/fixtures/corpus) holds every construct that once
//! lost text.

mod common;

use std::path::{Path, PathBuf};

use common::roundtrip::{self, Stream, Unit};
use common::*;

fn corpus() -> PathBuf {
    root().join("tests/fixtures/corpus/material.yaml")
}

/// Builds `material` into a temporary folder (extra arguments after the
/// defaults of [`build_cmd`]) and asserts the round trip.
#[track_caller]
fn roundtrip(material: &Path, args: &[&std::ffi::OsStr]) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut cmd = build_cmd(material, tmp.path());
    cmd.args(args);
    let out = must_succeed(&mut cmd);
    let folders: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .expect("output folder")
        .map(|e| e.expect("dir entry").path())
        .collect();
    assert_eq!(folders.len(), 1, "one folder per enterprise: {folders:?}");
    let built = Built {
        stdout: stdout(&out),
        stderr: stderr(&out),
        folder: folders[0].clone(),
    };
    roundtrip::assert_roundtrip(material, &built);
}

#[test]
fn example_yaml_roundtrips() {
    roundtrip(&example_yaml(), &[]);
}

#[test]
fn example_md_roundtrips() {
    roundtrip(&root().join("examples/luoyang-bearing-md/material.md"), &[]);
}

/// The corpus with only the bundled fonts (`--no-system-fonts`).
#[test]
fn corpus_roundtrips_with_bundled_fonts() {
    roundtrip(&corpus(), &[]);
}

/// The corpus with a face named SimSun preferred for 宋体 (`--font-path`):
/// its missing glyphs fall back to the bundled fonts.
#[test]
fn corpus_roundtrips_with_simsun() {
    let fonts = root().join("tests/fixtures/fonts");
    roundtrip(&corpus(), &["--font-path".as_ref(), fonts.as_os_str()]);
}

/// The corpus itself holds every construct of issue 8, so that it keeps
/// testing what it was written for.
#[test]
fn corpus_holds_every_construct() {
    let exp = roundtrip::expected(&corpus());
    let dir = corpus().parent().unwrap().to_path_buf();
    let all: String = ["material.yaml", "implementation.md", "effects.md"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    for construct in [
        "- **一个目标**：",
        "1. *方法*：",
        "> - **",
        "> 1. **",
        "    - **",
        "20~22℃",
        "45~60%",
        "10^6次和10^9次",
        "CO~2~",
        "m^2^",
        "H~2~O",
        "3*6m和2.4*6m",
        "*全员参与*",
        "[3]: 河南省质量协会，2021年。",
        "[1]，",
        "[^2]。",
        "[^2]: ",
        "\n\tTab缩进",
        "\n    四个空格",
        "表：2020—2022年质量指标\n",
        "186\t18498.9",
        "｜ --- ｜",
        "](img/管控 模式图.png)",
        "ZCuSn10Pb1",
        "ZGMn13Cr2",
        "GB/T 1176-2013",
        "[质量协会官网](https://example.org)",
        "<br>",
        "<sup>2</sup>",
        "\\*",
        "\\_",
        "&amp;",
        "的**“八个零”**管理",
        "## ㈠",
        "SiO₂ Fe₂O₃ CO₂ 10⁻⁶ x⁵ ⌀ ✕ ‱",
        "€ £ ¥ ¢",
    ] {
        assert!(all.contains(construct), "the corpus lacks {construct:?}");
    }
    let kinds = |k: &str| exp.units.iter().filter(|u| u.kind == k).count();
    for (kind, at_least) in [
        ("heading", 5),
        ("paragraph", 8),
        ("indented paragraph", 2),
        ("list item", 10),
        ("quoted list item", 4),
        ("blockquote", 2),
        ("table caption", 5),
        ("table cell", 60),
        ("figure caption", 1),
        ("reference line", 3),
        ("footnote", 4),
    ] {
        assert!(
            kinds(kind) >= at_least,
            "{kind}: {} units, expected at least {at_least}",
            kinds(kind)
        );
    }
    assert_eq!(exp.figures, 1);
}

/// How the expected side strips markup: markup out, characters in.
#[test]
fn expected_side_keeps_literal_text() {
    let s = roundtrip::strip_inline;
    assert_eq!(s("**一个目标**：以"), "一个目标：以");
    assert_eq!(s("温度20~22℃，湿度45~60%"), "温度20~22℃，湿度45~60%");
    assert_eq!(s("寿命达10^6次和10^9次"), "寿命达10^6次和10^9次");
    assert_eq!(s("CO~2~，m^2^，H~2~O"), "CO2，m2，H2O");
    assert_eq!(s("3*6m和2.4*6m，*强调*"), "3*6m和2.4*6m，强调");
    assert_eq!(
        s("[质量协会官网](https://example.org)[1]"),
        "质量协会官网[1]"
    );
    assert_eq!(s("a<br>b<sup>2</sup>\\*\\_&amp;&lt;"), "ab2*_&<");
    let fref = roundtrip::FOOTNOTE_REF;
    assert_eq!(s("正文[^1]。"), format!("正文{fref}。"));

    let mut figures = 0;
    let part = "## ㈢ 标题\n\n表：2020年指标\n甲\t186\t18498.9\n\n[3]: 河南省质量协会，2021年。\n\n\
                正文[^1]后文\n续行。\n\n[^1]: 脚注内容。\n";
    let units = roundtrip::units(part, Path::new("p.md"), 1, &mut figures);
    let got: Vec<(&str, usize, &str, bool)> = units
        .iter()
        .map(|u| (u.kind, u.line, u.text.as_str(), u.footnote))
        .collect();
    assert_eq!(
        got,
        [
            ("heading", 1, "标题", false),
            ("table caption", 3, "2020年指标", false),
            ("table cell", 4, "甲", false),
            ("table cell", 4, "186", false),
            ("table cell", 4, "18498.9", false),
            ("reference line", 6, "[3]:河南省质量协会，2021年。", false),
            ("paragraph", 8, "正文", false),
            ("paragraph", 8, "后文续行。", false),
            ("footnote", 11, "脚注内容。", true),
        ]
    );
}

/// The helper can fail: one character of one unit missing from the printed
/// text is reported, with that unit's line, and nothing else is.
#[test]
fn helper_reports_a_dropped_character() {
    let mut figures = 0;
    let part = "## 背景\n\n温度20~22℃，湿度45~60%。\n\n- **目标**：寿命达10^6次和10^9次。\n\n\
                表：指标\n产量\t186\t18498.9\n\n正文[^1]。\n\n[^1]: 脚注内容。\n";
    let units: Vec<Unit> = roundtrip::units(part, Path::new("part.md"), 1, &mut figures);
    let printed = "（一）背景 温度20~22℃，湿度45~60%。 • 目标：寿命达10^6次和10^9次。 \
                   表1 指标 产量 186 18498.9 正文1。";
    let notes = Stream::from_text("1 脚注内容。");
    assert!(
        roundtrip::check(&units, &Stream::from_text(printed), &notes).is_empty(),
        "{}",
        roundtrip::report(&roundtrip::check(
            &units,
            &Stream::from_text(printed),
            &notes
        ))
    );

    // One `^` of the list item lost (what a superscript parse does).
    let dropped = printed.replacen("10^9", "109", 1);
    let missing = roundtrip::check(&units, &Stream::from_text(&dropped), &notes);
    assert_eq!(missing.len(), 1, "{}", roundtrip::report(&missing));
    assert_eq!(
        (missing[0].unit.kind, missing[0].unit.line),
        ("list item", 5)
    );
    let report = roundtrip::report(&missing);
    assert!(report.contains("part.md:5:"), "{report}");
    assert!(report.contains("10^6次和10^9次"), "{report}");

    // Two Excel cells printed without a break are not two cells.
    let merged = printed.replace("186 18498.9", "18618498.9");
    let missing = roundtrip::check(&units, &Stream::from_text(&merged), &notes);
    assert_eq!(missing.len(), 2, "{}", roundtrip::report(&missing));

    // A footnote printed in the body is not a footnote.
    let missing = roundtrip::check(
        &units,
        &Stream::from_text(&format!("{printed} 脚注内容。")),
        &Stream::default(),
    );
    assert_eq!(missing.len(), 1, "{}", roundtrip::report(&missing));
    assert!(missing[0].unit.footnote);
}

/// The county's materials (written apart from the bundled example): every
/// one that passes the rules prints whole, its form values included.
#[test]
fn county_materials_roundtrip() {
    let county = root().join("examples/county");
    let mut n = 0;
    for dir in std::fs::read_dir(&county)
        .expect("examples/county")
        .flatten()
    {
        let material = dir.path().join("material.yaml");
        let text = std::fs::read_to_string(&material).unwrap_or_default();
        // The one deliberately broken (over-long abstract) is not built.
        if !material.is_file() || text.contains("演示：摘要超出") {
            continue;
        }
        roundtrip(&material, &[]);
        n += 1;
    }
    assert_eq!(n, 2, "the county example's two clean materials");
}

/// A copy of the example folder of `material` in which every text file
/// (the material, its parts) is saved as UTF-16; the pictures as they are.
fn utf16_copy(material: &Path, big_endian: bool) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path, big_endian: bool) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let path = entry.expect("entry").path();
            let target = to.join(path.file_name().expect("name"));
            if path.is_dir() {
                copy(&path, &target, big_endian);
            } else if path.extension().is_some_and(|e| e == "md" || e == "yaml") {
                let text = std::fs::read_to_string(&path).expect("utf-8 example");
                std::fs::write(&target, utf16(&text, big_endian)).expect("write");
            } else {
                std::fs::copy(&path, &target).expect("copy");
            }
        }
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    copy(material.parent().unwrap(), tmp.path(), big_endian);
    tmp
}

/// Issue 23: the examples saved by Notepad as UTF-16 build with a warning,
/// and every character of them reaches the page: the YAML example and its
/// part files in UTF-16 LE, the Markdown example in UTF-16 BE.
#[test]
fn utf16_materials_roundtrip() {
    for (material, big_endian) in [
        (example_yaml(), false),
        (root().join("examples/luoyang-bearing-md/material.md"), true),
    ] {
        let copy = utf16_copy(&material, big_endian);
        let name = material.file_name().unwrap();
        let out = tempfile::tempdir().expect("temp dir");
        let built = must_succeed(&mut build_cmd(&copy.path().join(name), out.path()));
        let warned = stderr(&built);
        let files = if name == "material.yaml" { 3 } else { 1 };
        assert_eq!(
            warned.matches("warning[IN-ENCODING]").count(),
            files,
            "one warning per file:\n{warned}"
        );
        let folders: Vec<PathBuf> = std::fs::read_dir(out.path())
            .expect("output folder")
            .map(|e| e.expect("dir entry").path())
            .collect();
        let built = Built {
            stdout: stdout(&built),
            stderr: warned,
            folder: folders[0].clone(),
        };
        // What must be printed is read from the UTF-8 original.
        roundtrip::assert_roundtrip(&material, &built);
    }
}
