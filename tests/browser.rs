//! The writer's workspace of `shenbao serve` (issue 20) in a real headless
//! Chromium: tests/browser.py drives the page through Selenium (log in,
//! upload the example folder, type into the abstract, a mistake and its
//! diagnostic, the fix, downloads, a company named like a script, the
//! county's list) and the county's scenario of issue 21 (an account made
//! on the county's page, submit, return with a reason, the fix, resubmit,
//! recommend with a 推荐意见, the audit list, export.zip); this side starts
//! the server, makes the first accounts, builds the downloaded material
//! with the CLI and the 汇总表 from the county's download.
//!
//! Needs Debian's `chromium` and `chromium-driver` and Python's `selenium`
//! (installed by `.ci/run`). Where CI is set the test fails without them;
//! elsewhere it says why it skips. With `SHENBAO_SCREENSHOTS=1` it writes
//! the pages' screenshots into `docs/screenshots/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::server::{add_user, start};
use common::*;
use serde_json::Value;

const PW: &str = "correct horse 电池";
/// The enterprise the county makes in the page (tests/browser.py).
const COMPANY_C: &str = "洛阳新创精密轴承有限公司";

/// What the browser test needs, or why it is missing.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    for exe in [&chromium, &driver] {
        if !Path::new(exe).exists() {
            return Some(format!("{exe} is not installed"));
        }
    }
    let selenium = Command::new("python3")
        .args(["-c", "import selenium"])
        .output();
    if !selenium.is_ok_and(|o| o.status.success()) {
        return Some("python3 has no selenium".into());
    }
    None
}

/// Copies a folder, leaving out the files `keep` refuses.
fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest, keep);
        } else if keep(&p) {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

fn unzip(zip: &Path, into: &Path) -> Vec<String> {
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(zip).expect("zip")).expect("a zip file");
    let names = zip_names(&mut archive);
    archive.extract(into).expect("extract");
    names
}

#[test]
fn the_writer_works_in_a_browser() {
    if let Some(why) = missing() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the browser test cannot run under CI: {why}");
        }
        eprintln!("skipping the browser test: {why}");
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let county = ["--county", "涧西区"];
    add_user(
        &data,
        "a",
        PW,
        &[
            &["--role", "enterprise"][..],
            &county,
            &["--company", "洛阳示例精密轴承股份有限公司"],
        ]
        .concat(),
    );
    add_user(
        &data,
        "b",
        PW,
        &[
            &["--role", "enterprise"][..],
            &county,
            &["--company", "<script>alert(1)</script>有限公司"],
        ]
        .concat(),
    );
    add_user(
        &data,
        "jianxi",
        PW,
        &[&["--role", "county"][..], &county].concat(),
    );
    add_user(&data, "city", PW, &["--role", "city"]);
    // Another county, with one enterprise: the city's overview has both.
    add_user(
        &data,
        "c",
        PW,
        &[
            "--role",
            "enterprise",
            "--county",
            "洛龙区",
            "--company",
            "洛龙某公司",
        ],
    );
    let server = start(&data, &[]);
    let base = server.base.clone();

    // The example as a writer has it: the material's files, without the
    // script that drew its pictures.
    let material = tmp.path().join("luoyang-bearing");
    copy_dir(
        &root().join("examples/luoyang-bearing"),
        &material,
        &|p: &Path| p.extension().is_none_or(|x| x != "py"),
    );
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads");
    let shots: Option<PathBuf> = std::env::var_os("SHENBAO_SCREENSHOTS")
        .filter(|v| v == "1")
        .map(|_| root().join("docs/screenshots"));
    if let Some(s) = &shots {
        std::fs::create_dir_all(s).expect("docs/screenshots");
    }

    let mut cmd = Command::new("python3");
    cmd.arg(root().join("tests/browser.py"))
        .arg(&base)
        .arg(&material)
        .arg(&downloads);
    if let Some(s) = &shots {
        cmd.arg(s);
    }
    let out = cmd.output().expect("python3 tests/browser.py");
    assert!(
        out.status.success(),
        "tests/browser.py failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    eprintln!("{report:#}");

    // The abstract grew by what was typed (one character a character,
    // punctuation included), as the server counted it.
    let abs = &report["abstract"];
    assert_eq!(
        abs["after"]
            .as_u64()
            .zip(abs["before"].as_u64())
            .map(|(a, b)| a - b),
        abs["typed"].as_u64(),
        "{abs}"
    );
    // The diagnostic named the phone's line, where the caret went.
    assert!(
        report["v4"]
            .as_str()
            .is_some_and(|t| t.contains("[V4]") && t.contains("material.yaml:")),
        "{report}"
    );

    // all.zip: the notice's electronic submission, one folder named after
    // the enterprise.
    let all = unzip(&downloads.join("all.zip"), &tmp.path().join("all"));
    for f in ["封面.pdf", "正文.pdf", "申报材料.pdf", "申报表.pdf"] {
        assert!(
            all.contains(&format!("洛阳示例精密轴承股份有限公司/{f}")),
            "{f} in {all:?}"
        );
    }
    // material.zip: the material as edited in the page (the typed
    // sentence included), which the CLI builds.
    let src = tmp.path().join("source");
    unzip(&downloads.join("material.zip"), &src);
    let folder = std::fs::read_dir(&src)
        .expect("dir")
        .flatten()
        .next()
        .expect("one folder")
        .path();
    let yaml = std::fs::read_to_string(folder.join("material.yaml")).expect("material.yaml");
    assert!(yaml.contains("本模式已推广到公司全部六个生产车间。"));
    assert!(yaml.contains("phone: \"13912345678\""));
    must_succeed(&mut build_cmd(
        &folder.join("material.yaml"),
        &tmp.path().join("out"),
    ));
    assert!(
        tmp.path()
            .join("out/洛阳示例精密轴承股份有限公司/正文.pdf")
            .exists()
    );

    // The county's scenario (issue 21). export.zip: the 汇总表 at the top of
    // its one folder, beside a folder named after the recommended
    // enterprise (its 申报表 with the 推荐意见 was read by browser.py).
    let export = unzip(&downloads.join("export.zip"), &tmp.path().join("export"));
    let top = "涧西区-申报材料";
    for f in [
        "汇总表.pdf",
        "汇总表.xlsx",
        &format!("{COMPANY_C}/申报表.pdf"),
    ] {
        assert!(export.contains(&format!("{top}/{f}")), "{f} in {export:?}");
    }
    // The recommended material, downloaded by the county, in a county
    // folder of its own: the CLI's 汇总表 lists it under 涧西区.
    let county_dir = tmp.path().join("county");
    unzip(&downloads.join("recommended-material.zip"), &county_dir);
    let yaml = std::fs::read_dir(&county_dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path().join("material.yaml"))
        .find(|p| p.exists())
        .expect("one enterprise folder with its material.yaml");
    assert!(
        std::fs::read_to_string(&yaml)
            .expect("material.yaml")
            .contains(&format!("name: \"{COMPANY_C}\"")),
        "the writer's fix (made in the form: a JSON string at the value's place) is in the downloaded material"
    );
    let summary = tmp.path().join("summary");
    must_succeed(
        bin()
            .arg("summary")
            .arg(&county_dir)
            .arg("-o")
            .arg(&summary)
            .args(["--county", "涧西区", "--no-system-fonts"]),
    );
    let pdf = probe(&summary.join("汇总表.pdf")).stream_text();
    assert!(
        pdf.contains(COMPANY_C) && pdf.contains("涧西区"),
        "the CLI's 汇总表: {pdf}"
    );
    let xlsx = unzip(&summary.join("汇总表.xlsx"), &tmp.path().join("xlsx"));
    let strings: String = xlsx
        .iter()
        .filter(|n| n.ends_with(".xml"))
        .map(|n| std::fs::read_to_string(tmp.path().join("xlsx").join(n)).unwrap_or_default())
        .collect();
    assert!(strings.contains(COMPANY_C), "{COMPANY_C} in 汇总表.xlsx");
}
