//! Every character reaches the page (F1–F4): symbols print through each
//! role's fallback chain (real font, bundled Noto substitute, DejaVu Sans)
//! with only the bundled fonts; the build report says which font printed
//! what; check boxes come from one font; what no font has is still F3, in
//! the material and in the templates and profile.

mod common;

use std::sync::OnceLock;

use common::*;

/// The symbols a writer types in Word and expects to print (issue 8).
const SYMBOLS: &[&str] = &[
    "化学式：SiO₂ Fe₂O₃ CO₂ H₂O，10⁻⁶，x⁵，⌀20，✕，‱",
    "上下标：⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎",
    "西文：é ü ñ ç ß Ø å © ® ° µ ¶ § ā ē ī ō ū Ł ő ř š ž",
    "希腊字母：α β γ δ ε λ μ π σ ω Δ Σ Ω",
    "标点：— – ‘ ’ “ ” … ‰ ‱ † ‡ • ′ ″ ※",
    "单位：℃ ℉ № ™ Ω",
    "数字：Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ Ⅵ Ⅶ Ⅷ Ⅸ Ⅹ Ⅺ Ⅻ ⅰ ⅱ ⅲ ⅳ ⅴ ⅵ ⅶ ⅷ ⅸ ⅹ ½ ¼ ¾",
    "箭头：← ↑ → ↓ ↔ ↕ ⇒ ⇔",
    "运算：≤ ≥ ≠ ≈ ± × ÷ √ ∞ ∑ ∠ ⊥ ∥ ∴ ∵ ∈ ∩ ∪ ⊂ ≡ ∅ ≒ ⌀",
    "序号：① ② ③ ④ ⑤ ⑥ ⑦ ⑧ ⑨ ⑩ ⑪ ⑫ ⑬ ⑭ ⑮ ⑯ ⑰ ⑱ ⑲ ⑳ ⑴ ⑵ ⑽ ⒇ ⒈ ⒉ ⒑ ⒛ ㈠ ㈡ ㈩",
    "图形：■ □ ▲ △ ▼ ▽ ◆ ◇ ○ ● ◎ ★ ☆ ☑ ☐ ☒ ✓ ✔ ✕ ✗",
    "货币：€ £ ¥ ¢",
];

/// One paragraph with the check boxes side by side (symbols from one font).
const BOXES: &str = "勾选：□ 已建立 ☑ 已认证 ☐ 未开展 ■ 完成 ✓ 合格 ✗ 不合格";

/// Bidi isolates print nothing and need no glyph.
const ISOLATES: &str = "隔离符：\u{2066}ABC\u{2069} \u{2067}DEF\u{2069} \u{2068}GHI\u{2069}";

/// A few hundred characters of GBK (no private use): the symbol rows
/// A1–A9 whole (≒ ㈠ ⅰ ⒈ ⑴ …) and every 61st character elsewhere.
fn gbk_sample() -> String {
    let mut out = String::new();
    let mut n = 0usize;
    for lead in 0x81u8..=0xFE {
        for trail in (0x40u8..=0xFE).filter(|&t| t != 0x7F) {
            let bytes = [lead, trail];
            let (s, _, bad) = encoding_rs::GBK.decode(&bytes);
            let mut cs = s.chars();
            let (Some(c), None) = (cs.next(), cs.next()) else {
                continue;
            };
            if bad || c.is_whitespace() || ('\u{E000}'..='\u{F8FF}').contains(&c) {
                continue;
            }
            n += 1;
            if (0xA1..=0xA9).contains(&lead) || n.is_multiple_of(61) {
                out.push(c);
            }
        }
    }
    out
}

/// The material: symbols, check boxes and the GBK sample in 推进实施, a
/// chemical formula in the title (cover field and article title, 黑体).
fn symbol_material() -> Fixture {
    let f = Fixture::yaml(
        &SMALL_YAML
            .replace(
                "implementation: |\n  推进实施正文。\n",
                "implementation: {file: parts/implementation.md}\n",
            )
            .replace("基于全员参与的", "基于全员参与和CO₂减排的"),
    );
    let mut md = String::from("推进实施正文。\n\n");
    for line in SYMBOLS.iter().chain([&BOXES, &ISOLATES]) {
        md.push_str(line);
        md.push_str("\n\n");
    }
    // Spaced: a long run of symbols with no break opportunity between them
    // (UAX #14) would run past the margin, which is not what is tested here.
    let chars: Vec<String> = gbk_sample().chars().map(String::from).collect();
    for chunk in chars.chunks(40) {
        md.push_str("字库：");
        md.push_str(&chunk.join(" "));
        md.push_str("\n\n");
    }
    f.write("parts/implementation.md", md);
    f
}

/// Every character the material asks to print, once.
fn expected_chars() -> Vec<char> {
    let mut all: Vec<char> = SYMBOLS
        .iter()
        .flat_map(|s| s.chars())
        .chain(BOXES.chars())
        .chain(gbk_sample().chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    all.sort();
    all.dedup();
    all
}

struct Bundled {
    stdout: String,
    stderr: String,
    body: Probe,
    cover: Probe,
}

/// The symbol material built once, with only the bundled fonts.
fn bundled() -> &'static Bundled {
    static B: OnceLock<Bundled> = OnceLock::new();
    B.get_or_init(|| {
        let f = symbol_material();
        let built = f.build("material.yaml");
        let pdfs = built.probe();
        Bundled {
            stdout: built.stdout,
            stderr: built.stderr,
            body: pdfs.body,
            cover: pdfs.cover,
        }
    })
}

/// The font of the first printed glyph `c` in `probe`.
#[track_caller]
fn font_of(probe: &Probe, c: char) -> (String, f64, f64) {
    for page in &probe.pages {
        for s in &page.spans {
            if s.text.contains(c) {
                return (s.font.clone(), s.size, s.y);
            }
        }
    }
    panic!("{c:?} (U+{:04X}) is not in the PDF", c as u32)
}

/// 1-based line and column (in characters) of the first `c` in `text`
/// outside `#` / `//` comment lines.
fn place_of(text: &str, c: char) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') && !t.starts_with("#let") || t.starts_with("//") {
            continue;
        }
        if let Some(pos) = line.find(c) {
            return (i + 1, line[..pos].chars().count() + 1);
        }
    }
    panic!("{c:?} not in text")
}

#[test]
fn f3_symbols_and_gbk_print_with_the_bundled_fonts_alone() {
    let b = bundled();
    assert!(!b.stderr.contains("F3"), "{}", b.stderr);
    let printed: std::collections::HashSet<char> = b
        .body
        .pages
        .iter()
        .flat_map(|p| p.spans.iter().flat_map(|s| s.text.chars()))
        .collect();
    let missing: String = expected_chars()
        .into_iter()
        .filter(|c| !printed.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the text of 正文.pdf: {missing} ({})",
        missing
            .chars()
            .map(|c| format!("U+{:04X}", c as u32))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // The sample is what the test says it is.
    let gbk = gbk_sample();
    assert!(gbk.chars().count() > 300, "{}", gbk.chars().count());
    assert!(gbk.contains('≒') && gbk.contains('㈠'));
}

#[test]
fn f2_symbols_no_cjk_face_has_come_from_dejavu_sans() {
    let b = bundled();
    for c in ['₂', '⁻', '⌀', '✕', '‱', '☑'] {
        let (font, ..) = font_of(&b.body, c);
        assert!(font.contains("DejaVu"), "{c}: {font}");
    }
    // The cover title field (黑体) prints its ₂ the same way.
    let (font, ..) = font_of(&b.cover, '₂');
    assert!(font.contains("DejaVu"), "cover ₂: {font}");
    // CJK text stays in the role's own font.
    let (font, ..) = font_of(&b.body, '实');
    assert!(font.contains("NotoSerifCJK"), "实: {font}");
}

#[test]
fn f2_report_names_the_characters_dejavu_printed() {
    let b = bundled();
    let line = b
        .stdout
        .lines()
        .find(|l| l.contains("以下字符由 DejaVu Sans 印出（宋体 Noto Serif CJK SC 没有）："))
        .unwrap_or_else(|| panic!("no 宋体 fallback line:\n{}", b.stdout));
    for c in ['₂', '⁻', '⁶', '⌀', '✕', '‱', '≒'] {
        assert!(line.contains(c), "{c} not in {line}");
    }
    // Characters the substitute has are not listed.
    assert!(!line.contains('实') && !line.contains('①'), "{line}");
    let hei = b
        .stdout
        .lines()
        .find(|l| l.contains("以下字符由 DejaVu Sans 印出（黑体 Noto Sans CJK SC 没有）："))
        .unwrap_or_else(|| panic!("no 黑体 fallback line:\n{}", b.stdout));
    assert!(hei.ends_with("：₂"), "{hei}");
}

/// □ (in Noto) and ☑ (not in Noto) on one line: same font, size, baseline.
#[test]
fn f2_check_boxes_on_one_line_match_in_font_size_and_baseline() {
    let b = bundled();
    let (font_a, size_a, y_a) = font_of(&b.body, '□');
    for c in ['☑', '☐', '■', '✓', '✗'] {
        let (font, size, y) = font_of(&b.body, c);
        assert_eq!(font, font_a, "{c} vs □");
        assert_close(size, size_a, TOL, &format!("{c} size"));
        assert_close(y, y_a, TOL, &format!("{c} baseline"));
    }
}

/// With a real SimSun (the test fixture has only a few dozen characters),
/// every character it lacks goes down the same chain: Noto, then DejaVu.
#[test]
fn f2_with_real_simsun_the_chain_applies_per_character_and_is_reported() {
    let f = Fixture::yaml(&SMALL_YAML.replace(
        "  推进实施正文。",
        "  推进实施正文，排放CO₂，孔径⌀20，✕，‱，☑。",
    ));
    let fonts = root().join("tests/fixtures/fonts");
    let out = must_succeed(f.cmd("material.yaml").arg("--font-path").arg(&fonts));
    let report = stdout(&out);
    let noto = report
        .lines()
        .find(|l| l.contains("以下字符由 Noto Serif CJK SC 印出（宋体 SimSun 没有）："))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(noto.contains('正') && noto.contains('排'), "{noto}");
    assert!(!noto.contains('推') && !noto.contains('₂'), "{noto}");
    let dejavu = report
        .lines()
        .find(|l| l.contains("以下字符由 DejaVu Sans 印出（宋体 SimSun 没有）："))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(dejavu.ends_with("：₂ ⌀ ✕ ‱ ☑"), "{dejavu}");

    let folder = std::fs::read_dir(f.out())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let body = probe(&folder.join(BODY));
    assert!(font_of(&body, '推').0.contains("SimSun"));
    assert!(font_of(&body, '正').0.contains("NotoSerifCJK"));
    assert!(font_of(&body, '₂').0.contains("DejaVu"));

    // The same, structured, in the JSON build report.
    std::fs::remove_dir_all(f.out()).unwrap();
    let out = must_succeed(
        f.cmd("material.yaml")
            .arg("--font-path")
            .arg(&fonts)
            .args(["--format", "json"]),
    );
    let built: serde_json::Value = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("built").is_some())
        .expect("a built line");
    let fallbacks = built["fallbacks"].as_array().expect("fallbacks array");
    let entry = fallbacks
        .iter()
        .find(|e| e["face"] == "DejaVu Sans" && e["role"] == "song")
        .unwrap_or_else(|| panic!("{built}"));
    assert_eq!(entry["missing_in"], "SimSun", "{entry}");
    assert_eq!(entry["chars"], "₂⌀✕‱☑", "{entry}");
    // Issue 18: which face each role used, and whether it is a substitute.
    let fonts = built["fonts"].as_array().expect("fonts array");
    let roles: Vec<&str> = fonts.iter().map(|f| f["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["song", "song_bold", "hei", "zhongsong"], "{built}");
    let song = &fonts[0];
    assert_eq!(song["substitute"], false, "{song}");
    assert!(
        song["face"].as_str().unwrap().starts_with("SimSun"),
        "{song}"
    );
    assert_eq!(fonts[1]["synthetic_bold"], true, "{built}");
    for f in &fonts[2..] {
        assert_eq!(f["substitute"], true, "{f}");
        assert!(f["face"].as_str().unwrap().starts_with("Noto"), "{f}");
    }
}

/// 𠮷 (U+20BB7, CJK Extension B) is in no bundled font: F3 at its place,
/// in the YAML and in a part file.
#[test]
fn f3_a_character_no_font_has_is_refused_at_its_line_and_column() {
    let f = Fixture::yaml(
        &SMALL_YAML
            .replace("  实施效果正文。", "  实施效果正文𠮷。")
            .replace(
                "implementation: |\n  推进实施正文。\n",
                "implementation: {file: parts/implementation.md}\n",
            ),
    );
    f.write(
        "parts/implementation.md",
        "推进实施正文。\n\n第二段，CO₂ 与 ☑ 都有字形，𠮷没有。\n",
    );
    let err = f.reject("material.yaml");
    assert!(err.contains("U+20BB7"), "{err}");
    assert!(err.contains("印出来会是方框"), "{err}");
    let locs = locations(&err);
    let yaml = std::fs::read_to_string(f.path("material.yaml")).unwrap();
    let at = place_of(&yaml, '𠮷');
    assert!(
        locs.contains(&("material.yaml".into(), at.0, at.1)),
        "{locs:?}\n{err}"
    );
    let md = std::fs::read_to_string(f.path("parts/implementation.md")).unwrap();
    let at = place_of(&md, '𠮷');
    assert_eq!(at, (3, 18));
    assert!(
        locs.iter()
            .any(|l| l.0.ends_with("implementation.md") && (l.1, l.2) == at),
        "{locs:?}\n{err}"
    );
    // Nothing else: ₂ and ☑ print.
    assert_eq!(locs.len(), 2, "{locs:?}\n{err}");
}

/// Text a template or profile adds is checked too, and reported against the
/// template file for its maintainer; comments are not printed, not checked.
#[test]
fn f3_template_and_profile_text_is_checked() {
    let f = Fixture::yaml(SMALL_YAML);
    let profile = default_profile()
        .replace("\"2023年洛阳市质量标杆\"", "\"2023年洛阳市质量标杆𠮷\"")
        + "# 注释里的𠮷不印出来\n";
    assert!(profile.contains("标杆𠮷"));
    f.write("tpl/profiles/luoyang-2023.yaml", &profile);
    let body = std::fs::read_to_string(root().join("templates/book/body.typ")).unwrap()
        + "\n// 注释里的𠮷不印出来\n#let unused-label = \"附𠮷\"\n";
    f.write("tpl/book/body.typ", &body);
    let tpl = f.path("tpl");
    let err = f.reject_with(|c| {
        c.arg("--templates").arg(&tpl);
    });
    assert!(err.contains("模板文字"), "{err}");
    assert!(err.contains("模板维护者"), "{err}");
    let locs = locations(&err);
    let at = place_of(&profile, '𠮷');
    assert!(
        locs.iter()
            .any(|l| l.0.ends_with("profiles/luoyang-2023.yaml") && (l.1, l.2) == at),
        "{locs:?}\n{err}"
    );
    let at = place_of(&body, '𠮷');
    let label = place_of(&body, '附');
    assert_eq!((at.0, at.1), (label.0, label.1 + 1));
    assert!(
        locs.iter()
            .any(|l| l.0.ends_with("body.typ") && (l.1, l.2) == at),
        "{locs:?}\n{err}"
    );
    // Only those two: the comments are skipped.
    assert_eq!(locs.len(), 2, "{locs:?}\n{err}");
}
