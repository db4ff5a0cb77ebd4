//! The county's 汇总表 (issue 10, SPEC §9 A4), from a folder holding one
//! sub-folder per enterprise: 汇总表.pdf read back, 汇总表.xlsx opened and
//! its cells checked, a broken material listed in the end-of-run table.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

/// The cells of the first sheet of an xlsx, by reference (`A1`), each with
/// whether it is stored as text; plus workbook.xml and the sheet's XML.
fn xlsx(path: &Path) -> (BTreeMap<String, (String, bool)>, String, String) {
    let script = r#"
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
strings = [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
sheet = z.read("xl/worksheets/sheet1.xml").decode()
cells = {}
for ref, attrs, body in re.findall(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', sheet, re.S):
    v = re.search(r"<v>(.*?)</v>", body or "")
    if v is None:
        continue
    text = 't="s"' in attrs
    cells[ref] = [strings[int(v.group(1))] if text else v.group(1), text]
json.dump({"cells": cells, "workbook": z.read("xl/workbook.xml").decode(), "sheet": sheet}, sys.stdout, ensure_ascii=False)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    #[derive(serde::Deserialize)]
    struct X {
        cells: BTreeMap<String, (String, bool)>,
        workbook: String,
        sheet: String,
    }
    let x: X = serde_json::from_slice(&out.stdout).expect("json");
    (x.cells, x.workbook, x.sheet)
}

/// A county folder of `materials` (folder name, material.yaml text) and
/// an optional county.yaml.
fn county(materials: &[(&str, String)], county_yaml: Option<&str>) -> Fixture {
    let f = Fixture::new();
    for (dir, yaml) in materials {
        f.write(&format!("county/{dir}/material.yaml"), yaml);
    }
    if let Some(c) = county_yaml {
        f.write("county/county.yaml", c);
    }
    f
}

/// SMALL_YAML for another company (name, title, contact, phone).
fn enterprise(name: &str, contact: &str, phone: &str) -> String {
    SMALL_YAML
        .replace(SMALL_COMPANY, name)
        .replace("李四", contact)
        .replace("13912345678", phone)
}

fn summary_cmd(f: &Fixture) -> Command {
    let mut cmd = bin();
    cmd.current_dir(f.dir.path())
        .args(["summary", "county", "-o", "out", "--no-system-fonts"]);
    cmd
}

/// The bundled county: the two clean enterprises are built, the one with an
/// over-long abstract is not but is still listed, the end-of-run table
/// names it with V2 and its place, and the run exits non-zero.
#[test]
fn county_folder_builds_all_and_writes_the_summary() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut cmd = bin();
    cmd.current_dir(root())
        .args(["build", "examples/county", "-o"])
        .arg(tmp.path())
        .arg("--no-system-fonts");
    let out = must_fail(&mut cmd);
    let stdout = stdout(&out);
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "汇总表.pdf",
            "汇总表.xlsx",
            "洛阳示例耐火材料集团有限公司",
            "洛阳示例重载齿轮有限公司"
        ]
    );
    assert!(stdout.contains("共 3 份材料：成功 2，失败 1。"), "{stdout}");
    let broken = stdout
        .lines()
        .find(|l| l.contains("洛阳示例速冻食品有限公司"))
        .expect("the broken one is listed");
    assert!(
        broken.contains("未生成")
            && broken.contains("V2 examples/county/洛阳示例速冻食品有限公司/material.yaml:36:3")
            && broken.contains("列入汇总表"),
        "{broken}"
    );
    let pdf = probe(&tmp.path().join("汇总表.pdf"));
    let text = pdf.stream_text();
    let mut at = 0;
    for v in [
        "2023年洛阳市质量标杆汇总表",
        "县区工业和信息化主管部门（盖章）：涧西区",
        "序号企业名称质量标杆名称联系人联系电话",
        "洛阳示例耐火材料集团有限公司",
        "洛阳示例速冻食品有限公司",
        "洛阳示例重载齿轮有限公司",
        "县区工信部门联系人：孟庆华",
        "联系电话：0379-64281735",
    ] {
        at += text[at..]
            .find(v)
            .unwrap_or_else(|| panic!("“{v}” missing or out of order in {text}"));
    }
    // Landscape: the 40-字 titles want more than the portrait width.
    assert!(pdf.pages[0].width > pdf.pages[0].height);
}

/// Rows in folder order with every value; a material that cannot be read
/// is left out; the xlsx has the same title, header and rows, phone numbers
/// as text, A4 landscape printing with the header repeated.
#[test]
fn summary_rows_pdf_and_xlsx() {
    let f = county(
        &[
            (
                "b-乙",
                enterprise("洛阳乙机械有限公司", "王乙", "13700000002"),
            ),
            (
                "a-甲",
                enterprise("洛阳甲机械有限公司", "王甲", "13700000001"),
            ),
            ("c-丙", "company: [broken\n".to_string()),
        ],
        Some("county: 涧西区\ncontact: {name: 孟主任, phone: \"0379-64281735\"}\n"),
    );
    let out = must_fail(&mut summary_cmd(&f));
    let stdout = stdout(&out);
    assert!(stdout.contains("未列入汇总表"), "{stdout}");
    assert!(
        !f.path("out/洛阳甲机械有限公司").exists(),
        "summary builds no PDFs"
    );
    let pdf = probe(&f.path("out/汇总表.pdf")).stream_text();
    let a = pdf.find("洛阳甲机械有限公司").expect("甲");
    let b = pdf.find("洛阳乙机械有限公司").expect("乙");
    assert!(a < b, "rows in the order of the folders' names");
    assert!(pdf.contains("王甲13700000001"), "{pdf}");
    let (cells, workbook, sheet) = xlsx(&f.path("out/汇总表.xlsx"));
    let cell = |r: &str| cells.get(r).map(|(v, _)| v.as_str()).unwrap_or("");
    assert_eq!(cell("A1"), "2023年洛阳市质量标杆汇总表");
    assert_eq!(cell("A2"), "县区工业和信息化主管部门（盖章）：涧西区");
    assert_eq!(
        ["A3", "B3", "C3", "D3", "E3"].map(cell),
        ["序号", "企业名称", "质量标杆名称", "联系人", "联系电话"]
    );
    assert_eq!(cell("B4"), "洛阳甲机械有限公司");
    assert_eq!(
        cell("C4"),
        "洛阳甲机械有限公司基于全员参与的精益质量管理经验"
    );
    assert_eq!(cell("E4"), "13700000001");
    assert!(
        cells["E4"].1 && cells["E5"].1,
        "phone numbers stored as text"
    );
    assert_eq!(cell("B5"), "洛阳乙机械有限公司");
    assert_eq!(cell("B6"), "", "the unreadable material has no row");
    assert_eq!(cell("A7"), "县区工信部门联系人：孟主任");
    assert_eq!(cell("D7"), "联系电话：0379-64281735");
    assert!(
        sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#),
        "{sheet}"
    );
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "header row repeated: {workbook}"
    );
    // Same folder, same bytes.
    let first = std::fs::read(f.path("out/汇总表.xlsx")).unwrap();
    let first_pdf = std::fs::read(f.path("out/汇总表.pdf")).unwrap();
    must_fail(&mut summary_cmd(&f));
    assert!(
        first == std::fs::read(f.path("out/汇总表.xlsx")).unwrap(),
        "xlsx not deterministic"
    );
    assert!(
        first_pdf == std::fs::read(f.path("out/汇总表.pdf")).unwrap(),
        "pdf not deterministic"
    );
}

/// The command line's county details win over county.yaml; a key
/// county.yaml does not know is an error at its line.
#[test]
fn county_details_from_options_and_file() {
    let f = county(
        &[("a", enterprise("洛阳甲机械有限公司", "王甲", "13700000001"))],
        Some("county: 涧西区\ncontact: {name: 孟主任}\n"),
    );
    must_succeed(summary_cmd(&f).args(["--county", "西工区", "--county-phone", "0379-1234567"]));
    let (cells, _, _) = xlsx(&f.path("out/汇总表.xlsx"));
    assert_eq!(cells["A2"].0, "县区工业和信息化主管部门（盖章）：西工区");
    assert_eq!(cells["A6"].0, "县区工信部门联系人：孟主任");
    assert_eq!(cells["D6"].0, "联系电话：0379-1234567");

    f.write(
        "county/county.yaml",
        "county: 涧西区\ncontacts: {name: 孟主任}\n",
    );
    let out = must_fail(&mut summary_cmd(&f));
    let err = stderr(&out);
    assert!(err.contains("error[IN-KEY]"), "{err}");
    assert!(
        locations(&err)
            .iter()
            .any(|l| l.0.ends_with("county.yaml") && l.1 == 2),
        "{err}"
    );
}

/// Materials of one county must share a profile (the title names its year
/// and region); `summary` wants a county folder.
#[test]
fn a_mix_of_profiles_and_a_non_county_folder_are_errors() {
    let f = county(
        &[
            ("a", enterprise("洛阳甲机械有限公司", "王甲", "13700000001")),
            (
                "b",
                enterprise("洛阳乙机械有限公司", "王乙", "13700000002")
                    .replace("profile: luoyang-2023", "profile: henan-2023"),
            ),
        ],
        None,
    );
    let out = must_fail(&mut summary_cmd(&f));
    let err = stderr(&out);
    assert!(
        err.contains("error[A4-SUMMARY]") && err.contains("henan-2023"),
        "{err}"
    );
    assert!(!f.path("out/汇总表.pdf").exists());

    let g = Fixture::yaml(SMALL_YAML);
    let mut cmd = bin();
    cmd.current_dir(g.dir.path())
        .args(["summary", ".", "-o", "out", "--no-system-fonts"]);
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("县区文件夹"), "{}", stderr(&out));
}
