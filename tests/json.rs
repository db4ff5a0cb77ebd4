//! Issue 18, "the library returns data": every report a command prints is
//! a value, carried by `--format json` as the fields `docs/json.md` lists,
//! and the human report says the same values. Each test asserts the values
//! against what was written (pages read back from the PDFs, the spine
//! arithmetic, the deck's slides), then finds them in the human report;
//! the wording itself is tested against values in `src/report.rs`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use serde_json::Value;

/// The JSON objects of a command's stdout, one a line.
#[track_caller]
fn objects(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The one object of `objects` that has `key`.
#[track_caller]
fn the<'a>(objects: &'a [Value], key: &str) -> &'a Value {
    let found: Vec<&Value> = objects.iter().filter(|o| o.get(key).is_some()).collect();
    assert_eq!(found.len(), 1, "one object with {key:?}: {objects:?}");
    found[0]
}

/// Every field path of a report object (`files[].pages`, `binding.sheets`),
/// as docs/json.md writes them; a diagnostic's `data` is its own.
fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                if !(prefix.is_empty() && k == "data" && map.contains_key("code")) {
                    paths(v, &path, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// Every field of `objects` is listed in docs/json.md (as `` `path` ``).
#[track_caller]
fn documented(objects: &[Value]) {
    let doc = std::fs::read_to_string(root().join("docs/json.md")).expect("docs/json.md");
    let mut all = BTreeSet::new();
    for o in objects {
        paths(o, "", &mut all);
    }
    let missing: Vec<&String> = all
        .iter()
        .filter(|p| !doc.contains(&format!("`{p}`")))
        .collect();
    assert!(missing.is_empty(), "not in docs/json.md: {missing:?}");
}

/// `build --format json` carries the files with their pages, the face of
/// every role, the fallback characters and the binding; the human report
/// of the same build says the same values.
#[test]
fn build_json_carries_files_fonts_fallbacks_and_binding() {
    let f = Fixture::yaml(&SMALL_YAML.replace("  推进实施正文。", "  推进实施正文，排放CO₂。"));
    let out = must_succeed(
        f.cmd("material.yaml")
            .args(["--paper", "100", "--format", "json"]),
    );
    let objects = objects(&stdout(&out));
    let built = the(&objects, "built");
    assert_eq!(built["built"], format!("out/{SMALL_COMPANY}"), "{built}");
    assert_eq!(built["draft"], false);
    assert_eq!(built["errors"], 0);
    assert_eq!(built["sign_and_seal"], true);
    assert_eq!(built["attachments"], 0);

    // files[].pages: the pages each PDF really has.
    let files = built["files"].as_array().expect("files");
    let folder = f.out().join(SMALL_COMPANY);
    let pdfs: Vec<&Value> = files
        .iter()
        .filter(|x| x["path"].as_str().unwrap().ends_with(".pdf"))
        .collect();
    assert!(pdfs.len() >= 5, "{files:?}");
    let paths: Vec<std::path::PathBuf> = pdfs
        .iter()
        .map(|x| f.path(x["path"].as_str().unwrap()))
        .collect();
    for (x, probe) in pdfs.iter().zip(probe_all(&paths)) {
        assert_eq!(x["pages"], probe.pages.len(), "{x}");
    }

    // binding: sheets and spine of the book as written, on 100 g paper.
    let book = probe(&folder.join(BOOK)).pages.len();
    let b = &built["binding"];
    assert_eq!(b["pages"], book);
    assert_eq!(b["sheets"], book.div_ceil(2));
    assert_eq!(b["paper_gsm"], 100);
    let spine_mm = book.div_ceil(2) as f64 * 0.125 + 2.0 * 0.22 + 0.5;
    assert!(
        (b["spine_mm"].as_f64().unwrap() - spine_mm).abs() < 0.006,
        "{b}"
    );
    assert_eq!(b["too_thin"], spine_mm < 3.0);

    // fonts: no font path, no system fonts: every role a substitute.
    let fonts = built["fonts"].as_array().expect("fonts");
    let roles: Vec<&str> = fonts.iter().map(|x| x["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["song", "song_bold", "hei", "zhongsong"]);
    let faces: Vec<&str> = fonts.iter().map(|x| x["face"].as_str().unwrap()).collect();
    assert_eq!(
        faces,
        [
            "Noto Serif CJK SC Regular",
            "Noto Serif CJK SC Bold",
            "Noto Sans CJK SC Medium",
            "Noto Serif CJK SC SemiBold"
        ]
    );
    assert!(fonts.iter().all(|x| x["substitute"] == true), "{fonts:?}");

    // fallbacks: ₂ from DejaVu Sans in the 宋体 text.
    let fallbacks = built["fallbacks"].as_array().expect("fallbacks");
    let sub = fallbacks
        .iter()
        .find(|x| x["role"] == "song")
        .unwrap_or_else(|| panic!("{fallbacks:?}"));
    assert_eq!(sub["face"], "DejaVu Sans");
    assert_eq!(sub["missing_in"], "Noto Serif CJK SC");
    assert_eq!(sub["chars"], "₂");
    documented(&objects);

    // The human report of the same build: the same values, worded.
    std::fs::remove_dir_all(f.out()).unwrap();
    let out = must_succeed(f.cmd("material.yaml").args(["--paper", "100"]));
    let human = stdout(&out);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines[0], format!("已生成：out/{SMALL_COMPANY}"));
    for x in files {
        let name = Path::new(x["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let line = format!("  {name}  {} 页", x["pages"]);
        assert!(lines.contains(&line.as_str()), "{line:?} in {human}");
    }
    for (x, role) in fonts.iter().zip(["宋体", "宋体加粗", "黑体", "华文中宋"]) {
        let line = format!("  {role}：{}，替代字体", x["face"].as_str().unwrap());
        assert!(human.contains(&line), "{line:?} in {human}");
    }
    assert!(
        human.contains("  以下字符由 DejaVu Sans 印出（宋体 Noto Serif CJK SC 没有）：₂"),
        "{human}"
    );
    let binding = format!(
        "装订：整本 {book} 页，双面打印 {} 张（100 g/m² 纸，每张 0.125 mm）；书脊宽 {:.1} mm",
        book.div_ceil(2),
        b["spine_mm"].as_f64().unwrap()
    );
    assert!(human.contains(&binding), "{binding:?} in {human}");
    assert!(human.contains("提醒：申报表打印后须签字"), "{human}");
}

/// A material that writes nothing: its diagnostics, then a `failed` object
/// with the counts (and the human line says the same count).
#[test]
fn build_json_says_what_failed() {
    let f = Fixture::yaml(&SMALL_YAML.replace("13912345678", "12345"));
    let out = must_fail(f.cmd("material.yaml").args(["--format", "json"]));
    let objects = objects(&stdout(&out));
    let failed = the(&objects, "failed");
    let errors = objects.iter().filter(|o| o["severity"] == "error").count();
    assert!(errors >= 1);
    assert_eq!(failed["failed"], "material.yaml");
    assert_eq!(failed["errors"], errors);
    assert!(objects.iter().all(|o| o.get("built").is_none()));
    documented(&objects);
    let out = must_fail(&mut f.cmd("material.yaml"));
    assert!(
        stderr(&out).contains(&format!("未生成任何文件：发现 {errors} 个错误")),
        "{}",
        stderr(&out)
    );
}

/// `spine --format json`: the binding the file was made for, too thin or
/// not; the human report gives the same numbers.
#[test]
fn spine_json_carries_the_binding() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |pages: usize, format: &[&str]| {
        stdout(&must_succeed(
            bin()
                .current_dir(tmp.path())
                .args(["spine", "--name", "洛阳测试有限公司", "--pages"])
                .arg(pages.to_string())
                .args(["--no-system-fonts", "-o", "书脊.pdf"])
                .args(format),
        ))
    };
    let mut all = Vec::new();
    for (pages, sheets, spine_mm, thin) in [(64, 32, 4.14, false), (4, 2, 1.14, true)] {
        let objects = objects(&run(pages, &["--format", "json"]));
        let v = the(&objects, "spine");
        assert_eq!(v["spine"], "书脊.pdf");
        let b = &v["binding"];
        assert_eq!(b["pages"], pages);
        assert_eq!(b["sheets"], sheets);
        assert_eq!(b["paper_gsm"], 80);
        assert!(
            (b["spine_mm"].as_f64().unwrap() - spine_mm).abs() < 1e-9,
            "{b}"
        );
        assert_eq!(b["too_thin"], thin);
        assert_eq!(b["spine_min_mm"], 3.0);
        let human = run(pages, &[]);
        assert!(
            human.contains(&format!(
                "整本 {pages} 页，双面打印 {sheets} 张（80 g/m² 纸，每张 0.1 mm）；书脊宽 {spine_mm:.1} mm"
            )),
            "{human}"
        );
        assert_eq!(human.contains("很难看清"), thin, "{human}");
        all.extend(objects);
    }
    documented(&all);
}

/// `check` and `count` as objects, `inspect` with its fields, and the
/// county summary: every field documented.
#[test]
fn check_count_inspect_and_summary_fields_are_documented() {
    let f = Fixture::yaml(SMALL_YAML);
    let mut all = Vec::new();
    for cmd in ["check", "count"] {
        let out = must_succeed(bin().current_dir(f.dir.path()).args([
            cmd,
            "material.yaml",
            "--no-system-fonts",
            "--format",
            "json",
        ]));
        all.extend(objects(&stdout(&out)));
    }
    let checked = the(&all, "checked");
    assert_eq!(checked["errors"], 0);
    assert_eq!(checked["warnings"], 0);
    let counted = the(&all, "counted");
    assert_eq!(counted["parts"][0]["key"], "benchmark.title");
    let built = f.build("material.yaml");
    let out = must_succeed(
        bin()
            .arg("inspect")
            .arg(built.pdf(BOOK))
            .arg("--spine")
            .arg(f.out().join(SMALL_COMPANY).join("印刷/书脊.pdf"))
            .args(["--format", "json"]),
    );
    let inspected = objects(&stdout(&out));
    let v = &inspected[0];
    assert_eq!(v["pages"], probe(&built.pdf(BOOK)).pages.len());
    assert_eq!(v["spine"]["matches"], true, "{v}");
    assert_eq!(v["author"], SMALL_COMPANY);
    all.extend(inspected);
    let out_dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["summary", "--no-system-fonts", "--format", "json", "-o"])
        .arg(out_dir.path())
        .arg(root().join("examples/county"))
        .output()
        .unwrap();
    let summary = objects(&stdout(&out));
    let s = the(&summary, "summary");
    assert_eq!(s["rows"], 3, "{s}");
    all.extend(summary);
    documented(&all);
}

/// The deck's talk time in seconds (D2), the slides it has, and the
/// `slides --init` object; the human report says the same time.
#[test]
fn slides_json_carries_the_talk_time() {
    let f = Fixture::yaml(SMALL_YAML);
    let slides = |args: &[&str]| {
        let mut cmd = bin();
        cmd.current_dir(f.dir.path())
            .args(["slides", "material.yaml", "--no-system-fonts", "-o", "out"])
            .args(args);
        must_succeed(&mut cmd)
    };
    let objects = objects(&stdout(&slides(&["--format", "json"])));
    let built = the(&objects, "built");
    let notes = built["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    let talk = &notes[0];
    assert_eq!(talk["kind"], "talk");
    let deck = probe(&f.out().join(SMALL_COMPANY).join("答辩.pdf"));
    assert_eq!(talk["slides"], deck.pages.len());
    assert_eq!(talk["limit_seconds"], 600);
    let seconds = talk["seconds"].as_u64().unwrap();
    assert!(seconds > 0 && seconds <= 600, "{talk}");
    let human = stdout(&slides(&[]));
    let said = format!(
        "演示稿 {} 页，预计讲述 {}分{:02}秒（讲稿 {} 字，图片 {} 张；限时 10 分钟）",
        deck.pages.len(),
        seconds / 60,
        seconds % 60,
        talk["chars"],
        talk["pictures"]
    );
    assert!(human.contains(&said), "{said:?} in {human}");

    let init = objects_of(&slides(&["--init", "--format", "json"]));
    let v = the(&init, "slides_md");
    assert_eq!(v["slides_md"], "slides.md");
    assert!(v["slides"].as_u64().unwrap() >= 3, "{v}");
    let mut all = objects.clone();
    all.extend(init);
    documented(&all);
}

fn objects_of(out: &std::process::Output) -> Vec<Value> {
    objects(&stdout(out))
}
