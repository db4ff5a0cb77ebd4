//! The 申报表 (issue 10, SPEC §9 A2), read back from the PDFs: every label
//! in the notice's order, the two chosen boxes ticked and only those, the
//! numbers in their rows and year columns, the declaration's name left for
//! the pen (or pre-filled when the profile asks), every value printed, and a
//! long 简介 growing the form onto a second page inside the margins.

mod common;

use common::*;

/// A span's place in reading order: page (from 0), baseline, x.
type Key = (usize, f64, f64);

fn spans(p: &Probe) -> Vec<(Key, &TextSpan)> {
    let mut out: Vec<(Key, &TextSpan)> = p
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, page)| page.spans.iter().map(move |s| ((i, s.y, s.x), s)))
        .filter(|(_, s)| !s.text.trim().is_empty())
        .collect();
    out.sort_by(|a, b| {
        (a.0.0, a.0.1, a.0.2)
            .partial_cmp(&(b.0.0, b.0.1, b.0.2))
            .expect("numbers")
    });
    out
}

/// The first span after `after` whose text starts with `prefix`.
#[track_caller]
fn find<'a>(p: &'a Probe, prefix: &str, after: Key) -> (Key, &'a TextSpan) {
    spans(p)
        .into_iter()
        .find(|(k, s)| {
            (k.0, k.1) > (after.0, after.1 + 0.5) && compact(&s.text).starts_with(prefix)
        })
        .unwrap_or_else(|| panic!("no “{prefix}” after {after:?}"))
}

/// The labels of the form's first column and the declaration below, top to
/// bottom as the notice prints them (Annex 2).
const LEFT: &[&str] = &[
    "洛阳市质量标杆申报表",
    "企业名称",
    "单位地址",
    "企业性质",
    "企业类型*",
    "所属行业类别*",
    "质量管理机构负责人",
    "联系人",
    "近三年发展情况",
    "资产总额（万元）",
    "主营业务收入（万元）",
    "利润总额（万元）",
    "申请和授权专利情况*",
    "软件著作权登记（件）*",
    "近五年获省市级以上",
    "质量标杆",
    "（公司名称需手工填写全称，与公章保持一致）",
    "企业名称（公章）：",
    "法人代表签字：",
    "县区工业和信息化主管部门推荐意见：",
    "推荐单位公章",
    "*说明：1.根据",
    "2.所属行业",
    "3.申请和授权专利情况",
    "4.近三年发展情况",
];

/// Labels that share a row, left to right.
const ROWS: &[&[&str]] = &[
    &["质量管理机构负责人", "姓名", "职务"],
    &["姓名", "职务"],
    &["联系电话", "邮箱"],
    &["近三年发展情况", "2020年", "2021年", "2022年"],
    &["申请数（件）", "国际标准（项）"],
    &["授权数（件）", "国家标准（项）"],
];

#[test]
fn every_label_in_the_notices_order() {
    let form = &example().pdfs.form;
    let mut at = (0, f64::MIN, 0.0);
    for label in LEFT {
        let (k, _) = find(form, label, at);
        at = k;
    }
    for row in ROWS {
        let (first, _) = find(form, row[0], (0, f64::MIN, 0.0));
        let mut x = first.2;
        for label in &row[1..] {
            let (k, s) = find(form, label, (first.0, first.1 - 1.0, 0.0));
            assert!(
                (k.1 - first.1).abs() < 1.0 && k.2 > x,
                "“{label}” is not right of the row's previous label: {s:?}"
            );
            x = k.2;
        }
    }
    // The standards by level: one column, top to bottom.
    let levels = ["国际", "国家", "行业", "地方", "团体", "企业"];
    let found: Vec<Key> = levels
        .iter()
        .map(|l| find(form, &format!("{l}标准（项）"), (0, f64::MIN, 0.0)).0)
        .collect();
    for w in found.windows(2) {
        assert!(
            w[1].1 > w[0].1 && (w[1].2 - w[0].2).abs() < 0.5,
            "{found:?}"
        );
    }
}

/// ☑ for the chosen 企业性质 and 企业类型, □ for the six others, all from
/// one font at one size.
#[test]
fn the_two_chosen_boxes_are_ticked_and_only_those() {
    let form = &example().pdfs.form;
    let all = spans(form);
    let boxes: Vec<&(Key, &TextSpan)> = all
        .iter()
        .filter(|(_, s)| s.text.contains(['☑', '□']))
        .collect();
    let ticked: Vec<String> = boxes
        .iter()
        .flat_map(|(k, s)| {
            s.text.char_indices().filter(|(_, c)| *c == '☑').map(|_| {
                // The option is the text just left of the box, on its line.
                all.iter()
                    .filter(|(o, t)| {
                        o.0 == k.0 && (o.1 - k.1).abs() < 1.0 && t.bbox[2] <= s.bbox[0] + 0.5
                    })
                    .max_by(|a, b| a.1.bbox[2].total_cmp(&b.1.bbox[2]))
                    .map(|(_, t)| t.text.trim().to_string())
                    .unwrap_or_default()
            })
        })
        .collect();
    assert_eq!(ticked, ["民营", "中型企业"]);
    let empty: usize = boxes.iter().map(|(_, s)| s.text.matches('□').count()).sum();
    assert_eq!(empty, 6, "□ after every option not chosen");
    let fonts: std::collections::BTreeSet<(String, String)> = boxes
        .iter()
        .map(|(_, s)| (s.font.clone(), format!("{:.2}", s.size)))
        .collect();
    assert_eq!(
        fonts.len(),
        1,
        "□ and ☑ from one font at one size: {fonts:?}"
    );
}

/// Each 万元 amount sits in its row, inside the column of its year (the
/// column's vertical rules read from the page).
#[test]
fn amounts_in_their_rows_and_year_columns() {
    let form = &example().pdfs.form;
    let rows = [
        ("资产总额（万元）", ["41200", "45600", "49800"]),
        ("主营业务收入（万元）", ["28600", "33200", "36800"]),
        ("利润总额（万元）", ["1850", "2460", "3020"]),
    ];
    let page = &form.pages[0];
    let verticals: Vec<&Rule> = page.lines.iter().filter(|l| l.is_vertical()).collect();
    for (year_i, year) in ["2020年", "2021年", "2022年"].iter().enumerate() {
        let (hk, header) = find(form, year, (0, f64::MIN, 0.0));
        let cx = (header.bbox[0] + header.bbox[2]) / 2.0;
        // The column: the nearest rules left and right of the header that
        // run through its baseline.
        let through = |l: &&&Rule| l.top() < hk.1 && l.bottom() > hk.1;
        let left = verticals
            .iter()
            .filter(through)
            .map(|l| l.x0)
            .filter(|x| *x < cx)
            .fold(f64::MIN, f64::max);
        let right = verticals
            .iter()
            .filter(through)
            .map(|l| l.x0)
            .filter(|x| *x > cx)
            .fold(f64::MAX, f64::min);
        for (label, values) in &rows {
            let (lk, _) = find(form, label, (0, f64::MIN, 0.0));
            let want = values[year_i];
            let (vk, v) = find(form, want, (lk.0, lk.1 - 1.0, 0.0));
            assert!(
                (vk.1 - lk.1).abs() < 1.0,
                "{want} is not on the row of {label}"
            );
            assert!(
                v.bbox[0] > left && v.bbox[2] < right,
                "{want} ({:?}) is outside the {year} column {left}..{right}",
                v.bbox
            );
        }
    }
}

/// Every value of the material the form prints, in the form's text.
#[test]
fn every_form_value_is_printed() {
    let text = example().pdfs.form.text();
    for v in [
        "洛阳示例精密轴承股份有限公司",
        "洛阳市涧西区示例路88号",
        "3451滚动轴承制造",
        "赵文博",
        "副总经理兼质量总监",
        "孙晓雯",
        "质量管理部部长",
        "13912345678",
        "46",
        "31",
        "28",
    ] {
        assert!(text.contains(&compact(v)), "“{v}” missing from the form");
    }
    let stream = example().pdfs.form.stream_text();
    assert!(stream.contains("sunxiaowen@example.com"), "e-mail missing");
    let brief = std::fs::read_to_string(example_yaml()).expect("example");
    let brief = brief
        .split("brief: |-\n")
        .nth(1)
        .and_then(|b| b.lines().next())
        .expect("brief in the example")
        .trim();
    assert!(
        stream.contains(&compact(brief)),
        "the 简介 is not printed whole"
    );
}

/// The declaration's name is a blank for the pen, an underline right before
/// the notice's own instruction; the company's name is not printed there.
#[test]
fn declaration_name_is_left_blank_for_the_pen() {
    let form = &example().pdfs.form;
    let (k, hint) = find(form, "（公司名称需手工填写全称", (0, f64::MIN, 0.0));
    let page = &form.pages[k.0];
    let underline = page.lines.iter().find(|l| {
        l.is_horizontal()
            && l.y0 > k.1 - 1.0
            && l.y0 < k.1 + 6.0
            && l.x0.max(l.x1) <= hint.bbox[0] + 3.0
            && (l.x1 - l.x0).abs() > 100.0
    });
    assert!(underline.is_some(), "no blank line before the instruction");
    let row: String = page
        .spans
        .iter()
        .filter(|s| (s.y - k.1).abs() < 1.0)
        .map(|s| s.text.as_str())
        .collect();
    assert!(!row.contains("洛阳示例"), "the name is pre-printed: {row}");
}

/// `prefill_company: true` in a profile prints the name in the blank, once
/// (the notice's 公司在… does not repeat 公司), and drops the instruction.
#[test]
fn declaration_prefilled_when_the_profile_asks() {
    let f = Fixture::yaml(SMALL_YAML);
    let profile = default_profile().replace("prefill_company: false", "prefill_company: true");
    assert!(profile.contains("prefill_company: true"));
    f.write("tpl/profiles/luoyang-2023.yaml", &profile);
    let out = must_succeed(f.cmd("material.yaml").arg("--templates").arg(f.path("tpl")));
    drop(out);
    let form = probe(&f.out().join(SMALL_COMPANY).join(FORM));
    let text = form.text();
    assert!(
        text.contains(&format!("{SMALL_COMPANY}在质量、诚信")),
        "{text}"
    );
    assert!(!text.contains("手工填写"), "{text}");
}

/// A long 简介 grows the form onto a second page: nothing is lost and
/// nothing runs past the paper's edge.
#[test]
fn a_long_brief_grows_the_form_cleanly() {
    let brief = "公司以数字化质量管理为主线，持续推进全员全过程质量改进。".repeat(40);
    let yaml = SMALL_YAML.replace("brief: 质量标杆简介。", &format!("brief: {brief}"));
    let f = Fixture::yaml(&yaml);
    let built = f.build("material.yaml");
    let form = probe(&built.pdf(FORM));
    assert!(form.pages.len() >= 2, "{} page(s)", form.pages.len());
    assert!(
        form.stream_text().contains(&compact(&brief)),
        "the 简介 is cut"
    );
    for (i, page) in form.pages.iter().enumerate() {
        for s in &page.spans {
            assert!(
                s.bbox[0] >= mm(20.0) && s.bbox[2] <= page.width - mm(20.0),
                "page {}: “{}” runs into the margin: {:?}",
                i + 1,
                s.text,
                s.bbox
            );
            assert!(
                s.bbox[3] <= page.height - mm(20.0),
                "page {}: below the margin",
                i + 1
            );
        }
    }
    // The 说明 closes the form, on its last page.
    let last = form.pages.last().expect("pages").text();
    assert!(last.contains("4.近三年发展情况"), "{last}");
}

/// SMALL_YAML with 附表 lists whose counts agree with the form's.
fn with_details() -> String {
    format!(
        "{SMALL_YAML}{}",
        r#"patents: {applied: 3, granted: 2}
software_copyrights: 1
standards: {international: 0, national: 1, industry: 0, local: 0, group: 0, enterprise: 1}
honors: 2
details:
  patents:
    - {name: 一种轴承套圈淬火装置, number: ZL202110123456.7, status: 授权, date: 2022-05-10}
    - {name: 轴承游隙检测方法, number: ZL202010654321.X, status: 授权, date: 2021-08-02}
    - {name: 一种保持架冲压模具, number: "202211234567.8", status: 申请, date: 2022-11-20}
  software_copyrights:
    - {name: 轴承质量追溯系统V1.0, number: 2021SR0123456, date: 2021-03-01}
  standards:
    - {name: 滚动轴承套圈热处理技术条件, number: GB/T 34891-2017, level: 国家, role: 参与}
    - {name: 精密轴承装配规范, number: Q/LYCS 012-2022, level: 企业, role: 主导}
  honors:
    - {name: 洛阳市质量标杆, by: 洛阳市工业和信息化局, year: 2021}
    - {name: 河南省专精特新中小企业, by: 河南省工业和信息化厅, year: 2022}
    - {name: 洛阳市优秀民营企业, by: 洛阳市人民政府, year: 2016}
"#
    )
}

/// The lists become 附表 pages after the form, every entry printed, and the
/// form's counts are the lists' (an honour before the five years is listed
/// but not counted, with a warning at its year).
#[test]
fn detail_lists_become_numbered_tables_after_the_form() {
    let yaml = with_details();
    let f = Fixture::yaml(&yaml);
    let built = f.build("material.yaml");
    assert!(
        built.stderr.contains("warning[A2-DETAIL]"),
        "{}",
        built.stderr
    );
    assert!(built.stderr.contains("2016"), "{}", built.stderr);
    let form = probe(&built.pdf(FORM));
    let first = form.pages[0].stream_text.clone();
    assert!(
        !first.contains("附表1"),
        "附表 start on a page of their own"
    );
    let rest: String = form.pages[1..]
        .iter()
        .flat_map(|p| p.stream_text.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut at = 0;
    for title in [
        "附表1申请和授权专利情况",
        "附表2软件著作权登记情况",
        "附表3主导、参与标准制修订情况",
        "附表4近五年获省市级以上主要荣誉",
    ] {
        let found = rest[at..]
            .find(title)
            .unwrap_or_else(|| panic!("{title} missing or out of order"));
        at += found;
    }
    for v in [
        "一种轴承套圈淬火装置",
        "ZL202110123456.7",
        "202211234567.8",
        "轴承质量追溯系统V1.0",
        "2021SR0123456",
        "GB/T34891-2017",
        "国家标准",
        "主导",
        "河南省工业和信息化厅",
        "洛阳市优秀民营企业",
        "2016",
    ] {
        assert!(rest.contains(v), "“{v}” missing from the 附表");
    }
    // The book binds the same pages.
    let book = probe(&built.pdf(BOOK)).stream_text();
    assert!(book.contains("附表4近五年获省市级以上主要荣誉"));
}

/// A count that disagrees with its list is an error at the list, saying
/// both numbers and the count to write; a status the form does not know is
/// an error at that status.
#[test]
fn counts_must_agree_with_the_lists() {
    let yaml = with_details()
        .replace(
            "patents: {applied: 3, granted: 2}",
            "patents: {applied: 3, granted: 3}",
        )
        .replace("honors: 2\n", "honors: 3\n")
        .replace("status: 申请", "status: 已受理");
    let f = Fixture::yaml(&yaml);
    let err = f.reject("material.yaml");
    assert!(err.contains("error[A2-DETAIL]"), "{err}");
    assert!(err.contains("附表列了 3 件，其中授权 2 件"), "{err}");
    assert!(err.contains("patents: {applied: 3, granted: 2}"), "{err}");
    assert!(err.contains("专利状态“已受理”"), "{err}");
    assert!(
        err.contains("近五年荣誉数（3）") && err.contains("honors: 2"),
        "{err}"
    );
    let locs = locations(&err);
    let status_line = line_of(&yaml, "已受理");
    assert!(
        locs.iter()
            .any(|l| l.0 == "material.yaml" && l.1 == status_line),
        "{locs:?}"
    );
    // The count error points into the patents list (its first entry).
    let list_line = line_of(&yaml, "一种轴承套圈淬火装置");
    assert!(
        locs.iter()
            .any(|l| l.0 == "material.yaml" && l.1 == list_line),
        "{locs:?}"
    );
}

/// SPEC T3 (issue 18): a contact's e-mail too long for its cell breaks
/// inside the cell and still copies out of 申报表.pdf as typed, with no
/// zero-width space between its characters (a county official pastes it
/// into a mail program).
#[test]
fn t3_a_long_email_copies_out_of_the_form_as_typed() {
    let email = "zhiliang.guanli.bu@luoyang-bearing-example.com";
    let yaml = SMALL_YAML.replace("lisi@example.com", email);
    assert!(yaml.contains(email));
    let f = Fixture::yaml(&yaml);
    let form = probe(&f.build("material.yaml").pdf(FORM));
    let lines = assert_copies_as_typed(&form.pages[0], email);
    assert!(
        lines >= 2,
        "the address breaks inside its cell: {lines} line(s)"
    );
}
