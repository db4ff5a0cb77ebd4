//! Every diagnostic code, triggered by one defect in an otherwise clean
//! material, with the line it must point at. The clean material itself
//! triggers none (`clean_material_has_no_diagnostics`).

mod common;

use common::*;

struct Case {
    code: &'static str,
    severity: &'static str,
    /// The defect: (search, replace) in SMALL_YAML.
    edit: (&'static str, &'static str),
    /// Text on the line the diagnostic must point at.
    line_has: &'static str,
}

fn cases() -> Vec<Case> {
    let long: &'static str =
        Box::leak(format!("  企业概况正文。\n\n  {}", "字".repeat(500)).into_boxed_str());
    vec![
        Case {
            code: "V1",
            severity: "error",
            edit: (
                "title: 洛阳测试机械有限公司基于全员参与的精益质量管理经验",
                "title: 洛阳测试机械有限公司基于全员参与的精益质量管理做法",
            ),
            line_has: "title:",
        },
        Case {
            code: "V1",
            severity: "error",
            edit: ("title: 洛阳测试机械有限公司", "title: 测试公司"),
            line_has: "title:",
        },
        Case {
            code: "V2",
            severity: "error",
            edit: ("  企业概况正文。", long),
            line_has: "企业概况正文",
        },
        Case {
            code: "V3-CAPTION",
            severity: "error",
            edit: (
                "  推进实施正文。",
                "  推进实施正文。\n\n  | a | b |\n  | - | - |\n  | 1 | 2 |",
            ),
            line_has: "| a | b |",
        },
        Case {
            code: "V4",
            severity: "error",
            edit: ("phone: \"13912345678\"", "phone: \"0379-63302875\""),
            line_has: "phone",
        },
        Case {
            code: "V4",
            severity: "error",
            edit: ("lisi@example.com", "lisi.example.com"),
            line_has: "lisi.example.com",
        },
        Case {
            code: "V4",
            severity: "warning",
            edit: ("date: 2023-03-20", "date: 2023-04-20"),
            line_has: "date:",
        },
        Case {
            code: "V5",
            severity: "error",
            edit: (
                "address: 河南省洛阳市涧西区测试路1号",
                "address: 郑州市金水区测试路1号",
            ),
            line_has: "address:",
        },
        Case {
            code: "V5",
            severity: "error",
            edit: ("revenue: 3300, profit: 120", "revenue: 3300, profit: -120"),
            line_has: "2021:",
        },
        Case {
            code: "V6",
            severity: "error",
            edit: ("scale: 小型企业", "scale: 大型企业"),
            line_has: "scale:",
        },
        Case {
            code: "V7",
            severity: "error",
            edit: ("3451 滚动轴承制造", "3451 轴承制造"),
            line_has: "industry:",
        },
        Case {
            code: "V7",
            severity: "error",
            edit: ("3451 滚动轴承制造", "9999 不存在的行业"),
            line_has: "industry:",
        },
        Case {
            code: "F3",
            severity: "error",
            edit: ("  实施效果正文。", "  实施效果正文𠮷。"),
            line_has: "实施效果正文",
        },
        Case {
            code: "B5-NUMBER",
            severity: "warning",
            edit: ("  推进实施正文。", "  ## 一、组织保障\n\n  推进实施正文。"),
            line_has: "## 一、组织保障",
        },
        Case {
            code: "B7-NUMBER",
            severity: "warning",
            edit: (
                "  推进实施正文。",
                "  推进实施正文。\n\n  表1：指标\n\n  | a | b |\n  | - | - |\n  | 1 | 2 |",
            ),
            line_has: "表1：指标",
        },
        Case {
            code: "IN-VALUE",
            severity: "error",
            edit: ("date: 2023-03-20", "date: 2023-02-30"),
            line_has: "date:",
        },
        Case {
            code: "IN-VALUE",
            severity: "error",
            edit: ("nature: 民营", "nature: 私营"),
            line_has: "nature:",
        },
        Case {
            code: "IN-MD",
            severity: "warning",
            edit: ("  推进实施正文。", "  # 一级标题\n\n  推进实施正文。"),
            line_has: "# 一级标题",
        },
        Case {
            code: "IN-TABLE",
            severity: "error",
            edit: (
                "  推进实施正文。",
                "  表：指标\n\n  | 年份 | 产值 |\n  | --- | --- |\n  | 2021 | 186 | 多出来的格 |",
            ),
            line_has: "多出来的格",
        },
        Case {
            code: "IN-FILE",
            severity: "error",
            edit: ("  推进实施正文。", "  ![图](img/none.png)"),
            line_has: "img/none.png",
        },
        Case {
            code: "IN-PATH",
            severity: "error",
            edit: ("  推进实施正文。", "  ![图](../../../etc/hosts.png)"),
            line_has: "etc/hosts",
        },
        Case {
            code: "IN-LIMIT",
            severity: "error",
            edit: (
                "  推进实施正文。",
                "  - a\n    - b\n      - c\n        - d\n          - e\n            - f\n              - g\n                - h\n                  - i\n                    - j",
            ),
            line_has: "- i",
        },
    ]
}

/// `shenbao check --format json` on a fixture: its output and diagnostics.
fn check_json(f: &Fixture) -> (std::process::Output, Vec<serde_json::Value>) {
    let out = bin()
        .current_dir(f.dir.path())
        .args([
            "check",
            "material.yaml",
            "--no-system-fonts",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let diags = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, diags)
}

#[test]
fn every_code_points_at_its_line() {
    for case in &cases() {
        let (from, to) = case.edit;
        assert!(SMALL_YAML.contains(from), "fixture lacks {from:?}");
        let yaml = SMALL_YAML.replacen(from, to, 1);
        let f = Fixture::yaml(&yaml);
        let (out, diags) = check_json(&f);
        let hit = diags
            .iter()
            .find(|d| d["code"] == case.code && d["severity"] == case.severity)
            .unwrap_or_else(|| {
                panic!(
                    "{} {} not reported for {to:?}: {diags:?}",
                    case.severity, case.code
                )
            });
        let line = hit["line"].as_u64().expect("a line") as usize;
        let text = yaml.lines().nth(line - 1).unwrap_or("");
        assert!(
            text.contains(case.line_has),
            "{}: points at line {line} {text:?}, want a line with {:?}",
            case.code,
            case.line_has
        );
        let failed = !out.status.success();
        assert_eq!(
            failed,
            case.severity == "error" || diags.iter().any(|d| d["severity"] == "error"),
            "{}: exit status",
            case.code
        );
    }
}

#[test]
fn clean_material_has_no_diagnostics() {
    let f = Fixture::yaml(SMALL_YAML);
    let out = must_succeed(bin().current_dir(f.dir.path()).args([
        "check",
        "material.yaml",
        "--no-system-fonts",
        "--format",
        "json",
    ]));
    // No diagnostic: only the summary object (issue 18), all zero.
    let summary: serde_json::Value =
        serde_json::from_str(stdout(&out).trim()).expect("one summary object");
    assert_eq!(
        summary,
        serde_json::json!({"checked": "material.yaml", "errors": 0, "warnings": 0})
    );
}

#[test]
fn image_resolution_and_broken_images() {
    // 300 px wide at 100 % of a 146 mm text block prints at about 52 dpi.
    let f = Fixture::yaml(&SMALL_YAML.replacen(
        "  推进实施正文。",
        "  ![小图](img/small.png \"width=100%\")\n\n  ![坏图](img/broken.png)",
        1,
    ));
    let img = image::RgbImage::from_pixel(300, 200, image::Rgb([200, 200, 200]));
    f.write("img/small.png", {
        let mut c = std::io::Cursor::new(Vec::new());
        img.write_to(&mut c, image::ImageFormat::Png).unwrap();
        c.into_inner()
    });
    f.write("img/broken.png", b"\x89PNG\r\n\x1a\nnot really");
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[V3-DPI]") && err.contains("低于 150 dpi"),
        "{err}"
    );
    assert!(err.contains("error[IN-IMAGE]"), "{err}");
}

/// A JPEG cut short (a broken download) decodes without a word, its lower
/// part grey: it prints, so it is not refused, but the writer is told at
/// the figure. A whole JPEG with more bytes after its end (a phone's motion
/// photo) is not.
#[test]
fn a_jpeg_cut_short_is_warned_at_its_figure() {
    let whole = std::fs::read(root().join("examples/luoyang-bearing/img/workshop.jpg")).unwrap();
    let f = Fixture::yaml(&SMALL_YAML.replacen(
        "  推进实施正文。",
        "  推进实施正文。\n\n  ![车间](img/cut.jpg)\n\n  ![动态照片](img/motion.jpg)",
        1,
    ));
    f.write("img/cut.jpg", &whole[..whole.len() * 3 / 5]);
    let mut motion = whole.clone();
    motion.extend_from_slice(b"\x00\x00\x00\x18ftypmp42 a video after the picture");
    f.write("img/motion.jpg", motion);
    let built = f.build("material.yaml");
    let warned: Vec<&str> = built
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning[IN-IMAGE]"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", built.stderr);
    assert!(
        warned[0].contains("img/cut.jpg") && warned[0].contains("不完整"),
        "{}",
        built.stderr
    );
    assert!(
        built.stderr.contains("material.yaml:"),
        "at the figure: {}",
        built.stderr
    );
    // Both still print, as figures 1 and 2.
    let body: String = built
        .probe()
        .body
        .pages
        .iter()
        .flat_map(|p| p.spans.iter().map(|s| s.text.clone()))
        .collect();
    assert!(body.contains("图1") && body.contains("图2"), "{body}");
}

/// A part file that opens with its own title does not print it twice.
#[test]
fn part_file_title_is_not_repeated() {
    let f = Fixture::yaml(&SMALL_YAML.replacen(
        "effects: |\n  实施效果正文。",
        "effects: {file: parts/effects.md}",
        1,
    ));
    f.write(
        "parts/effects.md",
        "# 管理方法（技术）的实施效果\n\n## 经济效益\n\n实施效果正文。\n",
    );
    let built = f.build("material.yaml");
    assert!(built.stderr.is_empty(), "{}", built.stderr);
    let body = built.probe().body;
    let text: String = body
        .pages
        .iter()
        .flat_map(|p| p.spans.iter().map(|s| s.text.clone()))
        .collect();
    assert_eq!(
        text.matches("管理方法（技术）的实施效果").count(),
        1,
        "{text}"
    );
    assert!(text.contains("（一）经济效益"), "{text}");
}

/// Word habits in tables: a bold caption is still a caption, `<br>` breaks a
/// cell line; an image path with a space is pointed out, not silently printed.
#[test]
fn bold_caption_br_and_image_path_with_space() {
    let md = "  **表：主要指标**\n\n  | 指标 | 数值 |\n  | - | - |\n  | 合格率<br>（%） | 99 |\n\n  ![图](img/my pic.png \"width=50%\")\n";
    let f = Fixture::yaml(&SMALL_YAML.replacen(
        "  推进实施正文。\n",
        &format!("  推进实施正文。\n\n{md}"),
        1,
    ));
    // Issue 8 (8): a path with an ASCII space is the writer's file name.
    let img = image::RgbImage::from_pixel(1800, 600, image::Rgb([200, 200, 200]));
    f.write("img/my pic.png", {
        let mut c = std::io::Cursor::new(Vec::new());
        img.write_to(&mut c, image::ImageFormat::Png).unwrap();
        c.into_inner()
    });
    let (_, diags) = check_json(&f);
    assert!(
        !diags
            .iter()
            .any(|d| d["code"] == "V3-CAPTION" || d["code"] == "IN-MD"),
        "{diags:?}"
    );
    let built = f.build("material.yaml");
    let body = built.probe().body;
    let texts: Vec<&str> = body
        .pages
        .iter()
        .flat_map(|p| p.spans.iter().map(|s| s.text.as_str()))
        .collect();
    assert!(texts.iter().any(|t| t.contains("表1")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("图1")), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.contains("<br>") || t.contains("![")),
        "{texts:?}"
    );
    assert_eq!(body.pages.iter().map(|p| p.images.len()).sum::<usize>(), 1);
}

/// An image reference the parser still cannot read is an error, never
/// printed as text (issue 8).
#[test]
fn unreadable_image_reference_is_an_error() {
    let f = Fixture::yaml(&SMALL_YAML.replacen(
        "  推进实施正文。",
        "  推进实施正文。\n\n  ![组织架构图](img/org.png",
        1,
    ));
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[IN-MD]") && err.contains("图片"),
        "{err}"
    );
    let locs = locations(&err);
    let line = line_of(
        &std::fs::read_to_string(f.path("material.yaml")).unwrap(),
        "![组织架构图]",
    );
    assert!(
        locs.iter().any(|l| l.1 == line),
        "{locs:?} should point at line {line}"
    );
}
