//! The commands around `build`: real fonts (F1, F2), check/count/init/schema,
//! --draft, --format json, batches, and output safety.

mod common;

use common::*;

/// F1/F2: a face named SimSun / 宋体 given with --font-path is preferred over
/// the substitute, reported as real, and embedded; its bold is synthetic.
#[test]
fn f1_real_simsun_is_preferred_and_reported() {
    let f = Fixture::yaml(SMALL_YAML);
    let fonts = root().join("tests/fixtures/fonts");
    let out = must_succeed(f.cmd("material.yaml").arg("--font-path").arg(&fonts));
    let report = stdout(&out);
    assert!(
        report.contains("宋体：SimSun Regular，真实字体"),
        "{report}"
    );
    assert!(
        report.contains("宋体加粗：SimSun Regular，真实字体，模拟加粗"),
        "{report}"
    );
    assert!(
        report.contains("黑体：Noto Sans CJK SC Medium，替代字体"),
        "{report}"
    );
    let built = Fixture { dir: f.dir };
    let folder = std::fs::read_dir(built.out())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let probe = probe_all(&[folder.join(BODY)]).pop().unwrap();
    assert!(
        probe
            .fonts
            .iter()
            .any(|x| x.name.contains("SimSun") && x.embedded),
        "{:?}",
        probe.fonts
    );
    // The 摘要 heading (characters the fake SimSun has) is set in SimSun.
    let heading = probe.pages[0]
        .spans
        .iter()
        .find(|s| s.text.trim() == "摘要")
        .expect("摘要");
    assert!(heading.font.contains("SimSun"), "{heading:?}");
}

#[test]
fn check_is_clean_on_the_example_and_counts_words() {
    let out = must_succeed(
        bin()
            .args(["check", "--no-system-fonts"])
            .arg(example_yaml()),
    );
    assert!(stdout(&out).contains("检查通过"));
    // Issue 18: the summary object also when the material is clean.
    let out = must_succeed(
        bin()
            .args(["check", "--no-system-fonts", "--format", "json"])
            .arg(example_yaml()),
    );
    let summary: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(summary["errors"], 0, "{summary}");
    assert_eq!(summary["warnings"], 0, "{summary}");
    assert!(
        summary["checked"]
            .as_str()
            .unwrap()
            .ends_with("material.yaml"),
        "{summary}"
    );
    let out = must_succeed(
        bin()
            .args(["count", "--no-system-fonts", "--format", "json"])
            .arg(example_yaml()),
    );
    let rows = count_parts(&stdout(&out));
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[1]["part"], "摘要");
    assert_eq!(rows[1]["limit"], 500);
    assert!(rows[1]["count"].as_u64().unwrap() > 300);
    assert_eq!(rows[1]["state"], "ok");
}

/// The parts of `count --format json`'s one object (docs/json.md).
#[track_caller]
fn count_parts(stdout: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one object");
    assert!(v["counted"].is_string(), "{v}");
    v["parts"].as_array().expect("parts").clone()
}

/// V1, V4, V5, V6, V7 all reported in one run, as JSON with positions.
#[test]
fn check_reports_every_problem_in_one_run_as_json() {
    let yaml = SMALL_YAML
        .replace("13912345678", "0379-6330287")
        .replace("河南省洛阳市涧西区", "郑州市金水区")
        .replace("3451 滚动轴承制造", "3451 轴承制造");
    let f = Fixture::yaml(&yaml);
    let out = must_fail(bin().current_dir(f.dir.path()).args([
        "check",
        "material.yaml",
        "--no-system-fonts",
        "--format",
        "json",
    ]));
    let mut diags: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The last object sums the diagnostics up (issue 18).
    let summary = diags.pop().expect("a summary");
    assert_eq!(summary["checked"], "material.yaml", "{summary}");
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(summary["errors"], errors, "{summary}");
    assert_eq!(summary["warnings"], diags.len() - errors, "{summary}");
    assert!(errors >= 3, "{summary}");
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    for want in ["V4", "V5", "V7"] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    for d in &diags {
        assert_eq!(d["file"], "material.yaml", "{d}");
        assert!(
            d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1,
            "{d}"
        );
        assert!(!d["help"].is_null(), "{d}");
    }
    let v7 = diags.iter().find(|d| d["code"] == "V7").unwrap();
    assert!(
        v7["help"].as_str().unwrap().contains("3451 滚动轴承制造"),
        "{v7}"
    );
}

/// V2 boundary: 500 字 is fine (a warning: within 5 %), 501 is an error.
#[test]
fn v2_abstract_limit_is_exact() {
    let at = |n: usize| {
        SMALL_YAML.replacen(
            "abstract: |\n  ",
            &format!(
                "abstract: |\n  {}\n\n  ",
                "字".repeat(n - small_abstract_count())
            ),
            1,
        )
    };
    let ok = Fixture::yaml(&at(500));
    let out = must_succeed(bin().current_dir(ok.dir.path()).args([
        "check",
        "material.yaml",
        "--no-system-fonts",
    ]));
    assert!(stderr(&out).contains("warning[V2]"), "{}", stderr(&out));
    let over = Fixture::yaml(&at(501));
    let out = must_fail(bin().current_dir(over.dir.path()).args([
        "check",
        "material.yaml",
        "--no-system-fonts",
        "--format",
        "json",
    ]));
    let v2: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|d| d["code"] == "V2")
        .collect();
    assert_eq!(v2.len(), 1, "{v2:?}");
    assert_eq!(v2[0]["severity"], "error");
    assert_eq!(
        v2[0]["data"],
        serde_json::json!({"part": "摘要", "key": "abstract", "count": 501, "limit": 500})
    );
}

/// V1 carries its numbers too; `count` reports the same ones.
#[test]
fn v1_title_count_is_data() {
    let title = "title: 洛阳测试机械有限公司基于全员参与的精益质量管理经验";
    assert!(SMALL_YAML.contains(title));
    let long = format!(
        "title: 洛阳测试机械有限公司基于全员参与的{}精益质量管理经验",
        "全面".repeat(10)
    );
    let f = Fixture::yaml(&SMALL_YAML.replace(title, &long));
    let run = |cmd: &str| {
        let out = must_fail(bin().current_dir(f.dir.path()).args([
            cmd,
            "material.yaml",
            "--no-system-fonts",
            "--format",
            "json",
        ]));
        stdout(&out)
    };
    let check = run("check");
    let v1 = check
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|d| d["code"] == "V1" && !d["data"].is_null())
        .unwrap_or_else(|| panic!("{check}"));
    let data = &v1["data"];
    assert_eq!(data["key"], "benchmark.title");
    assert_eq!(data["limit"], 40);
    assert!(data["count"].as_u64().unwrap() > 40, "{data}");
    let mut rows = count_parts(&run("count"));
    assert_eq!(rows[0]["state"], "over");
    rows[0].as_object_mut().unwrap().remove("state");
    assert_eq!(&rows[0], data);
}

fn small_abstract_count() -> usize {
    let f = Fixture::yaml(SMALL_YAML);
    let out = must_succeed(bin().current_dir(f.dir.path()).args([
        "count",
        "material.yaml",
        "--no-system-fonts",
        "--format",
        "json",
    ]));
    count_parts(&stdout(&out))[1]["count"].as_u64().unwrap() as usize
}

#[test]
fn draft_writes_marked_pdfs_despite_content_errors() {
    let f = Fixture::yaml(&SMALL_YAML.replace("13912345678", "12345"));
    let err = f.reject("material.yaml");
    assert!(err.contains("error[V4]"), "{err}");
    assert_draft_written(&f, true);
}

/// Builds `material.yaml` with --draft, asserting every page of the three
/// PDFs (or, unless `every_pdf`, of the cover) carries the 草稿 mark.
#[track_caller]
fn assert_draft_written(f: &Fixture, every_pdf: bool) {
    let built = must_succeed(f.cmd("material.yaml").arg("--draft"));
    assert!(stdout(&built).contains("草稿"), "{}", stdout(&built));
    let folder = std::fs::read_dir(f.out())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let pdfs = if every_pdf {
        vec![folder.join(COVER), folder.join(BODY), folder.join(BOOK)]
    } else {
        vec![folder.join(COVER)]
    };
    for probe in probe_all(&pdfs) {
        for (i, page) in probe.pages.iter().enumerate() {
            assert!(
                page.spans.iter().any(|s| s.text.contains("草稿")),
                "page {} has no 草稿 mark",
                i + 1
            );
        }
    }
}

/// Whether an error stops a draft is the code's own property, not its
/// prefix: a 企业性质 that is not one of the form's options (IN-VALUE) is a
/// content problem like V6 and is drafted; a YAML syntax error is not.
#[test]
fn draft_blocking_follows_the_code_not_its_prefix() {
    let f = Fixture::yaml(&SMALL_YAML.replace("nature: 民营", "nature: 私营"));
    let err = f.reject("material.yaml");
    assert!(err.contains("error[IN-VALUE]"), "{err}");
    assert_draft_written(&f, false);

    let f = Fixture::yaml(&SMALL_YAML.replace("nature: 民营", "nature: [民营"));
    let out = must_fail(f.cmd("material.yaml").arg("--draft"));
    assert!(stderr(&out).contains("error[IN-YAML]"), "{}", stderr(&out));
    assert!(
        !f.out().exists(),
        "a draft of unreadable YAML must write nothing"
    );
}

#[test]
fn init_scaffold_builds_as_is_in_both_forms() {
    for markdown in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("我的材料");
        let mut init = bin();
        init.arg("init").arg(&target);
        if markdown {
            init.arg("--markdown");
        }
        must_succeed(&mut init);
        let name = if markdown {
            "material.md"
        } else {
            "material.yaml"
        };
        let material = target.join(name);
        assert!(target.join("shenbao.schema.json").exists());
        if !markdown {
            let text = std::fs::read_to_string(&material).unwrap();
            assert!(text.starts_with("# yaml-language-server: $schema=./shenbao.schema.json"));
        }
        let out = must_succeed(&mut build_cmd(&material, &dir.path().join("out")));
        assert!(
            stderr(&out).is_empty(),
            "scaffold must be clean: {}",
            stderr(&out)
        );
        // A second init never overwrites.
        must_fail(bin().arg("init").arg(&target).args(if markdown {
            vec!["--markdown"]
        } else {
            vec![]
        }));
    }
}

#[test]
fn schema_is_json_with_enums_and_patterns() {
    let out = must_succeed(bin().arg("schema"));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let company = &schema["properties"]["company"]["properties"];
    assert_eq!(company["nature"]["examples"][2], "民营");
    assert_eq!(company["scale"]["examples"][1], "中型企业");
    assert!(
        company["industry"]["examples"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("3451 滚动轴承制造"))
    );
    assert!(
        schema["properties"]["contact"]["properties"]["phone"]["anyOf"][0]["pattern"]
            .as_str()
            .unwrap()
            .starts_with("^\\s*1")
    );
    assert_eq!(schema["additionalProperties"], false);
    // The 40-字 title is counted the Word way: not approximated here.
    let title = &schema["properties"]["benchmark"]["properties"]["title"];
    assert!(title.get("maxLength").is_none(), "{title}");
}

/// Whether `value` is valid against `schema`, for the keywords the schema
/// uses on values: type, pattern (run as a regular expression), enum,
/// anyOf, minimum and maximum.
fn schema_accepts(schema: &serde_json::Value, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    if let Some(any) = schema["anyOf"].as_array() {
        return any.iter().any(|s| schema_accepts(s, value));
    }
    let type_ok = |t: &Value| match t.as_str() {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        _ => true,
    };
    let types_ok = match &schema["type"] {
        Value::Array(ts) => ts.iter().any(type_ok),
        Value::Null => true,
        t => type_ok(t),
    };
    let pattern_ok = match (schema["pattern"].as_str(), value.as_str()) {
        (Some(p), Some(v)) => regex::RegexBuilder::new(p)
            .size_limit(1 << 26)
            .build()
            .unwrap_or_else(|e| panic!("schema pattern {p:?}: {e}"))
            .is_match(v),
        _ => true,
    };
    let enum_ok = schema["enum"]
        .as_array()
        .is_none_or(|options| options.contains(value));
    let n = value.as_f64();
    let min_ok = match (schema["minimum"].as_f64(), n) {
        (Some(m), Some(n)) => n >= m,
        _ => true,
    };
    let max_ok = match (schema["maximum"].as_f64(), n) {
        (Some(m), Some(n)) => n <= m,
        _ => true,
    };
    types_ok && pattern_ok && enum_ok && min_ok && max_ok
}

/// The JSON Schema and `shenbao check` give every value the same verdict:
/// phone, e-mail, industry, date, 企业性质, 企业类型. The schema's patterns
/// are built from the functions the checks call; this keeps them honest.
#[test]
fn schema_and_check_agree_on_every_value() {
    use serde_json::{Value, json};
    let out = must_succeed(bin().arg("schema"));
    let schema: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let props = &schema["properties"];
    // (field, schema, the fixture's line to replace, key, the check's verdict
    // is an error with this code whose message has this text)
    let fields = [
        (
            "phone",
            &props["contact"]["properties"]["phone"],
            "phone: \"13912345678\"",
            "phone",
            "V4",
            "手机号",
        ),
        (
            "email",
            &props["contact"]["properties"]["email"],
            "email: lisi@example.com",
            "email",
            "V4",
            "邮箱",
        ),
        (
            "industry",
            &props["company"]["properties"]["industry"],
            "industry: \"3451 滚动轴承制造\"",
            "industry",
            "V7",
            "",
        ),
        (
            "date",
            &props["date"],
            "date: 2023-03-20",
            "date",
            "IN-VALUE",
            "申报日期",
        ),
        (
            "nature",
            &props["company"]["properties"]["nature"],
            "nature: 民营",
            "nature",
            "IN-VALUE",
            "企业性质",
        ),
        (
            "scale",
            &props["company"]["properties"]["scale"],
            "scale: 小型企业",
            "scale",
            "IN-VALUE",
            "企业类型",
        ),
    ];
    let values: Vec<(&str, Value)> = vec![
        ("phone", json!("13912345678")),
        ("phone", json!("139-3791-2345")),
        ("phone", json!("139 3791 2345")),
        ("phone", json!(" 13912345678 ")),
        ("phone", json!(13912345678u64)),
        ("phone", json!("19912345678")),
        ("phone", json!("12912345678")),
        ("phone", json!("0379-63302875")),
        ("phone", json!("1391234567")),
        ("phone", json!("139123456789")),
        ("phone", json!("-13912345678")),
        ("phone", json!("139-3791-2345-")),
        ("phone", json!("139—3791—2345")),
        ("phone", json!("１３９１２３４５６７８")),
        ("phone", json!("+8613912345678")),
        ("phone", json!(12345)),
        ("email", json!("lisi@example.com")),
        ("email", json!("li.si+x@mail.example.com.cn")),
        ("email", json!("a@b.c")),
        ("email", json!("a@b..c")),
        ("email", json!("lisi.example.com")),
        ("email", json!("lisi@example")),
        ("email", json!("lisi@.com")),
        ("email", json!("lisi@example.")),
        ("email", json!("li si@example.com")),
        ("email", json!("李四@example.com")),
        ("email", json!("a@@b.com")),
        ("email", json!("@example.com")),
        ("industry", json!("3451 滚动轴承制造")),
        ("industry", json!("3451滚动轴承制造")),
        ("industry", json!("C3451 滚动轴承制造")),
        ("industry", json!(" 3451   滚动轴承制造 ")),
        ("industry", json!("1311 稻谷加工")),
        ("industry", json!("3451 轴承制造")),
        ("industry", json!("9999 不存在的行业")),
        ("industry", json!("3451")),
        ("industry", json!("滚动轴承制造")),
        ("industry", json!("c3451 滚动轴承制造")),
        ("industry", json!("34511 滚动轴承制造")),
        ("date", json!("2023-03-20")),
        ("date", json!("2023/3/20")),
        ("date", json!("2023.03.20")),
        ("date", json!("2023年3月20日")),
        ("date", json!("2023年03月20")),
        ("date", json!("2024-02-29")),
        ("date", json!("2000-02-29")),
        ("date", json!("2023-02-28")),
        ("date", json!("2023-+3-20")),
        ("date", json!("2023-02-29")),
        ("date", json!("1900-02-29")),
        ("date", json!("2023-02-30")),
        ("date", json!("2023-04-31")),
        ("date", json!("2023-13-01")),
        ("date", json!("2023-03-20-")),
        ("date", json!("23-03-20")),
        ("date", json!("3000-01-01")),
        ("date", json!("2023-03")),
        ("date", json!("二〇二三年三月二十日")),
        ("nature", json!("民营")),
        ("nature", json!("三资")),
        ("nature", json!(" 民营 ")),
        ("nature", json!("私营")),
        ("nature", json!("民营企业")),
        ("scale", json!("小型企业")),
        ("scale", json!("大型企业")),
        ("scale", json!("小型")),
        ("scale", json!("小微企业")),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut materials = Vec::new();
    for (i, (field, value)) in values.iter().enumerate() {
        let (_, _, line, key, _, _) = fields.iter().find(|f| f.0 == *field).unwrap();
        assert!(SMALL_YAML.contains(line), "{line}");
        let yaml = SMALL_YAML.replacen(line, &format!("{key}: {value}"), 1);
        let rel = format!("v{i}/material.yaml");
        std::fs::create_dir_all(dir.path().join(format!("v{i}"))).unwrap();
        std::fs::write(dir.path().join(&rel), yaml).unwrap();
        materials.push(rel);
    }
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--no-system-fonts", "--format", "json"])
        .args(&materials)
        .output()
        .unwrap();
    let diags: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut disagree = Vec::new();
    for (i, (field, value)) in values.iter().enumerate() {
        let (_, sub, _, _, code, phrase) = fields.iter().find(|f| f.0 == *field).unwrap();
        let tool = !diags.iter().any(|d| {
            d["file"] == materials[i].as_str()
                && d["severity"] == "error"
                && d["code"] == *code
                && d["message"].as_str().unwrap().contains(phrase)
        });
        let editor = schema_accepts(sub, value);
        if tool != editor {
            disagree.push(format!("{field} {value}: check {tool}, schema {editor}"));
        }
    }
    assert!(disagree.is_empty(), "{disagree:#?}");
}

/// A batch builds one folder per enterprise; a bad one fails alone.
#[test]
fn batch_builds_each_material_into_its_own_folder() {
    let a = Fixture::yaml(SMALL_YAML);
    let b = Fixture::yaml(&SMALL_YAML.replace(SMALL_COMPANY, "洛阳测试二号机械有限公司"));
    let bad = Fixture::yaml("company: [");
    let out_dir = tempfile::tempdir().unwrap();
    let out = must_fail(
        bin()
            .args(["build", "--no-system-fonts", "-j", "2", "-o"])
            .arg(out_dir.path())
            .arg(a.path("material.yaml"))
            .arg(bad.path("material.yaml"))
            .arg(b.path("material.yaml")),
    );
    let mut names: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "洛阳测试二号机械有限公司".to_string(),
            SMALL_COMPANY.to_string()
        ]
    );
    assert!(stdout(&out).contains("成功 2，失败 1"), "{}", stdout(&out));
}

/// The same company twice in a batch (or two names that become one folder
/// name on Windows) is an OUT-COLLISION naming both materials and the
/// folder; neither is written, the others still build.
#[test]
fn batch_collision_writes_neither_and_names_both() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, yaml: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, yaml).unwrap();
    };
    write("a/material.yaml", SMALL_YAML);
    write("b/material.yaml", SMALL_YAML);
    write(
        "c/material.yaml",
        &SMALL_YAML.replace(SMALL_COMPANY, "洛阳测试二号机械有限公司"),
    );
    write(
        "d/material.yaml",
        &SMALL_YAML.replace(SMALL_COMPANY, "洛阳测试<机械>有限公司"),
    );
    write(
        "e/material.yaml",
        &SMALL_YAML.replace(SMALL_COMPANY, "洛阳测试>机械<有限公司"),
    );
    let out = must_fail(bin().current_dir(dir.path()).args([
        "build",
        "--no-system-fonts",
        "-j",
        "2",
        "-o",
        "out",
        "a/material.yaml",
        "b/material.yaml",
        "c/material.yaml",
        "d/material.yaml",
        "e/material.yaml",
    ]));
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["洛阳测试二号机械有限公司".to_string()]);
    let err = stderr(&out);
    assert_eq!(err.matches("error[OUT-COLLISION]").count(), 4, "{err}");
    let line = line_of(SMALL_YAML, "name: 洛阳测试");
    for (me, other, folder) in [
        ("a", "b", SMALL_COMPANY),
        ("b", "a", SMALL_COMPANY),
        ("d", "e", "洛阳测试_机械_有限公司"),
        ("e", "d", "洛阳测试_机械_有限公司"),
    ] {
        let want = format!("{me}/material.yaml:{line}:");
        assert!(err.contains(&want), "{want} in:\n{err}");
        let msg = format!("与 {other}/material.yaml 会写到同一个文件夹 out/{folder}");
        assert!(err.contains(&msg), "{msg} in:\n{err}");
    }
    assert!(stdout(&out).contains("成功 1，失败 4"), "{}", stdout(&out));
}

/// E1: characters Windows forbids become `_`, with a warning.
#[test]
fn e1_forbidden_folder_characters_are_replaced() {
    let name = "洛阳测试<机械>有限公司";
    let yaml = SMALL_YAML.replace(SMALL_COMPANY, name);
    let f = Fixture::yaml(&yaml);
    let built = f.build("material.yaml");
    assert_eq!(
        built.folder.file_name().unwrap().to_string_lossy(),
        "洛阳测试_机械_有限公司"
    );
    assert!(built.stderr.contains("warning[OUT]"), "{}", built.stderr);
}

/// Output safety: a file where the folder should be is a clear error and is
/// left alone; a rebuild replaces the PDFs whole and leaves no temp files.
#[test]
fn output_is_atomic_and_never_clobbers_a_file() {
    let f = Fixture::yaml(SMALL_YAML);
    std::fs::create_dir_all(f.out()).unwrap();
    std::fs::write(f.out().join(SMALL_COMPANY), "not a folder").unwrap();
    let out = must_fail(&mut f.cmd("material.yaml"));
    assert!(stderr(&out).contains("error[OUT]"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(f.out().join(SMALL_COMPANY)).unwrap(),
        "not a folder"
    );
    std::fs::remove_file(f.out().join(SMALL_COMPANY)).unwrap();
    must_succeed(&mut f.cmd("material.yaml"));
    must_succeed(&mut f.cmd("material.yaml"));
    let names: Vec<String> = std::fs::read_dir(f.out().join(SMALL_COMPANY))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(
        names.iter().all(|n| n.ends_with(".pdf") || n == "印刷"),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == FORM), "{names:?}");
    let print: Vec<_> = std::fs::read_dir(f.out().join(SMALL_COMPANY).join("印刷"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut print = print;
    print.sort();
    assert_eq!(
        print,
        ["书脊.pdf", "封面展开.pdf"],
        "no temporary file left in 印刷/"
    );
}

#[test]
fn source_date_epoch_sets_the_pdf_date_and_only_then() {
    let f = Fixture::yaml(SMALL_YAML);
    must_succeed(
        f.cmd("material.yaml")
            .env("SOURCE_DATE_EPOCH", "1679270400"),
    );
    let cover = std::fs::read(f.out().join(SMALL_COMPANY).join(COVER)).unwrap();
    assert!(
        String::from_utf8_lossy(&cover).contains("D:20230320"),
        "no creation date"
    );
    must_succeed(f.cmd("material.yaml").env_remove("SOURCE_DATE_EPOCH"));
    let cover = std::fs::read(f.out().join(SMALL_COMPANY).join(COVER)).unwrap();
    assert!(
        !String::from_utf8_lossy(&cover).contains("D:2"),
        "date without SOURCE_DATE_EPOCH"
    );
}

/// A maintainer changes layout without Rust: a profile in --templates turns
/// page numbers off; a broken template is a TPL error naming its file:line.
#[test]
fn templates_override_profiles_and_report_template_errors() {
    let f = Fixture::yaml(SMALL_YAML);
    let profile = default_profile().replace("page_numbers: true", "page_numbers: false");
    f.write("tpl/profiles/luoyang-2023.yaml", profile);
    must_succeed(f.cmd("material.yaml").arg("--templates").arg(f.path("tpl")));
    let body = probe_all(&[f.out().join(SMALL_COMPANY).join(BODY)])
        .pop()
        .unwrap();
    let footer = body.pages[0]
        .spans
        .iter()
        .filter(|s| s.y > A4_H - mm(25.4))
        .count();
    assert_eq!(footer, 0, "page numbers switched off by the profile");

    let g = Fixture::yaml(SMALL_YAML);
    g.write(
        "tpl/book/cover.typ",
        "#let cover(data, last: false) = {\n  undefined-function()\n}\n",
    );
    let err = g.reject_with(|c| {
        c.arg("--templates").arg(g.path("tpl"));
    });
    assert!(
        err.contains("error[TPL]") && err.contains("book/cover.typ:2"),
        "{err}"
    );

    let h = Fixture::yaml(&SMALL_YAML.replace("profile: luoyang-2023", "profile: shanghai-2030"));
    let err = h.reject("material.yaml");
    assert!(
        err.contains("error[IN-PROFILE]") && err.contains("luoyang-2023"),
        "{err}"
    );
}

/// One 字号 table (issue 9): `zihao.yaml` in --templates changes what the
/// templates print and what the profile check accepts, together.
#[test]
fn zihao_table_is_one_file_for_templates_and_checks() {
    let table = std::fs::read_to_string(root().join("templates/zihao.yaml")).unwrap();
    // 小四 at 13 pt, and a new name 特号 that only this table knows.
    let table = table.replace("- [小四, 12]", "- [小四, 13]\n- [特号, 12.5]");
    let f = Fixture::yaml(SMALL_YAML);
    f.write("tpl/zihao.yaml", &table);
    let profile = default_profile().replace("caption_size: 五号", "caption_size: 特号");
    f.write("tpl/profiles/luoyang-2023.yaml", profile);
    must_succeed(f.cmd("material.yaml").arg("--templates").arg(f.path("tpl")));
    let body = probe_all(&[f.out().join(SMALL_COMPANY).join(BODY)])
        .pop()
        .unwrap();
    let text = body.pages[0]
        .spans
        .iter()
        .find(|s| s.text.contains("推进实施正文"))
        .expect("body text");
    assert_close(text.size, 13.0, 0.01, "小四 from tpl/zihao.yaml");

    // Without the table, 特号 is not a 字号 the profile check knows.
    let g = Fixture::yaml(SMALL_YAML);
    g.write(
        "tpl/profiles/luoyang-2023.yaml",
        default_profile().replace("caption_size: 五号", "caption_size: 特号"),
    );
    let err = g.reject_with(|c| {
        c.arg("--templates").arg(g.path("tpl"));
    });
    assert!(
        err.contains("error[IN-PROFILE]") && err.contains("特号"),
        "{err}"
    );
}

/// The V1/V2 limits come from the profile (issue 9): a maintainer retargets
/// to another notice's 字数 limits without Rust, and `count` agrees.
#[test]
fn length_limits_come_from_the_profile() {
    let f = Fixture::yaml(SMALL_YAML);
    let profile = default_profile()
        .replace("abstract: 500", "abstract: 4")
        .replace("overview: 500", "overview: 7")
        .replace("warn_percent: 95", "warn_percent: 80");
    assert!(
        profile.contains("abstract: 4"),
        "the profile states its limits"
    );
    f.write("tpl/profiles/luoyang-2023.yaml", profile);
    // 摘要正文。 is 5 字: over 4. 企业概况正文。 is 7 字: 100 % of 7, above 80 %.
    let mut cmd = bin();
    cmd.current_dir(f.dir.path()).args([
        "check",
        "material.yaml",
        "--no-system-fonts",
        "--format",
        "json",
        "--templates",
        "tpl",
    ]);
    let out = must_fail(&mut cmd);
    let diags: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let v2: Vec<&serde_json::Value> = diags.iter().filter(|d| d["code"] == "V2").collect();
    assert_eq!(v2.len(), 2, "{diags:?}");
    assert_eq!(v2[0]["severity"], "error");
    assert_eq!(v2[0]["data"]["limit"], 4);
    assert_eq!(v2[1]["severity"], "warning");
    assert_eq!(v2[1]["data"]["limit"], 7);
    let mut cmd = bin();
    cmd.current_dir(f.dir.path()).args([
        "count",
        "material.yaml",
        "--no-system-fonts",
        "--format",
        "json",
        "--templates",
        "tpl",
    ]);
    let out = must_fail(&mut cmd);
    let rows = count_parts(&stdout(&out));
    assert_eq!(rows[1]["limit"], 4, "{rows:?}");
    assert_eq!(rows[1]["state"], "over", "{rows:?}");
    assert_eq!(rows[2]["state"], "near", "{rows:?}");
}

/// `--outputs` runs only the renderers named: the book's three files
/// without the form, or an id that is not a build's output refused before
/// anything is read.
#[test]
fn outputs_option_selects_renderers() {
    let f = Fixture::yaml(SMALL_YAML);
    must_succeed(f.cmd("material.yaml").args(["--outputs", "book"]));
    let mut names: Vec<String> = std::fs::read_dir(f.out().join(SMALL_COMPANY))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["封面.pdf", "正文.pdf", "申报材料.pdf"]);
    let g = Fixture::yaml(SMALL_YAML);
    let out = g
        .cmd("material.yaml")
        .args(["--outputs", "book,inspect"])
        .output()
        .unwrap();
    // `inspect` reads a PDF it is given: not an output of a build.
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("“inspect”"), "{}", stderr(&out));
    assert!(!g.out().exists());
}
