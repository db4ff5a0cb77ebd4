//! The 申报表 (Annex 2) filled in as a Word table: its labelled cells fill
//! the front matter. A table is taken for the form when it holds several of
//! the form's own labels.

use super::fields::Fields;
use super::report::{At, first_words};
use super::word::{Cell, Item, Table};
use crate::material::values::{NATURES, SCALES};

/// Labels (squeezed, without `*` and units) → the key their value fills.
const SIMPLE: &[(&[&str], &str)] = &[
    (&["企业名称", "单位名称", "申报单位"], "company.name"),
    (
        &["单位地址", "企业地址", "地址", "通讯地址"],
        "company.address",
    ),
    (
        &["所属行业类别", "所属行业", "行业类别"],
        "company.industry",
    ),
    (
        &["从业人员", "从业人数", "职工人数", "员工人数"],
        "company.employees",
    ),
    (&["质量标杆名称", "标杆名称"], "benchmark.title"),
    (&["质量标杆简介", "标杆简介"], "benchmark.brief"),
    (&["申请数", "申请专利数", "申请专利"], "patents.applied"),
    (&["授权数", "授权专利数", "授权专利"], "patents.granted"),
    (&["软件著作权登记", "软件著作权"], "software_copyrights"),
    (&["国际标准"], "standards.international"),
    (&["国家标准"], "standards.national"),
    (&["行业标准"], "standards.industry"),
    (&["地方标准"], "standards.local"),
    (&["团体标准"], "standards.group"),
    (&["企业标准"], "standards.enterprise"),
    (
        &[
            "近五年获省市级以上主要荣誉数",
            "近五年获省市级以上主要荣誉",
            "主要荣誉数",
            "荣誉数",
        ],
        "honors",
    ),
];

/// Keys whose value is a count.
const COUNTS: &[&str] = &[
    "company.employees",
    "patents.applied",
    "patents.granted",
    "software_copyrights",
    "standards.international",
    "standards.national",
    "standards.industry",
    "standards.local",
    "standards.group",
    "standards.enterprise",
    "honors",
];

const MARKERS: &[&str] = &[
    "企业性质",
    "企业类型",
    "所属行业",
    "质量管理机构负责人",
    "近三年发展情况",
    "资产总额",
    "主营业务收入",
    "利润总额",
    "申请和授权专利情况",
    "软件著作权",
    "质量标杆简介",
    "县区工业和信息化主管部门推荐意见",
];

/// Characters a writer ticks a box with.
const TICKS: &[char] = &['☑', '☒', '■', '√', '✓', '✔', '▣', '◼', '●', '✅'];

/// A label as compared: no spaces, no `*`, no unit in brackets.
fn key_text(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = (depth - 1).max(0),
            c if depth > 0
                || c.is_whitespace()
                || c == '*'
                || c == '＊'
                || c == '：'
                || c == ':' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a table is the 申报表.
pub fn is_form(t: &Table) -> bool {
    let texts: Vec<String> = t
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| key_text(&c.text())))
        .collect();
    MARKERS
        .iter()
        .filter(|m| texts.iter().any(|t| t.starts_with(*m)))
        .count()
        >= 4
}

fn simple_key(label: &str) -> Option<&'static str> {
    SIMPLE
        .iter()
        .find(|(names, _)| names.contains(&label))
        .map(|(_, k)| *k)
}

fn is_label(cell: &str) -> bool {
    let k = key_text(cell);
    simple_key(&k).is_some()
        || matches!(
            k.as_str(),
            "姓名" | "职务" | "联系电话" | "邮箱" | "电子邮箱" | "联系人"
        )
        || MARKERS.iter().any(|m| k.starts_with(m))
}

/// The first number of a value (`35件` → 35).
fn count(v: &str) -> Option<String> {
    let digits: String = v
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// An amount in 万元 (`41,200.5` → 41200.5).
fn amount(v: &str) -> Option<String> {
    let t: String = v
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let n: String = t
        .chars()
        .skip_while(|c| !c.is_ascii_digit() && *c != '-')
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    n.parse::<f64>().ok().map(|_| n)
}

/// The option ticked in a cell such as `中央企业□ 地方国企□ 民营☑ 三资□`
/// (boxes after the options) or `□中央企业 ☑地方国企` (boxes before).
fn ticked(text: &str, options: &[&str]) -> Option<String> {
    let boxes_first = text
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| TICKS.contains(&c) || matches!(c, '□' | '☐' | '◻' | '○'));
    for o in options {
        let Some(i) = text.find(o) else { continue };
        let mark = if boxes_first {
            text[..i].trim_end().chars().next_back()
        } else {
            text[i + o.len()..].trim_start().chars().next()
        };
        if mark.is_some_and(|c| TICKS.contains(&c)) {
            return Some((*o).to_string());
        }
    }
    None
}

/// Whether a table after the form belongs to it: the declaration with its
/// blanks for the seal and the signature, or the county's 推荐意见 box
/// (the notice prints them as a table of their own below the form's rows).
fn is_form_tail(t: &Table) -> bool {
    let text: String = t
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| key_text(&c.text())))
        .collect();
    text.contains("推荐意见") || text.contains("法人代表签字") || text.contains("公章")
}

/// A 附表 title (`附表1　申请和授权专利情况`): the lists note 3 of the form
/// asks for, each a table after its title.
pub fn is_detail_title(text: &str) -> bool {
    let t = key_text(text);
    t.strip_prefix("附表").is_some_and(|r| {
        r.starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
            && t.chars().count() <= 30
    })
}

/// The items that belong to the form at `at`: its title (`附件2`,
/// `洛阳市质量标杆申报表`) just before it; and just after it the declaration
/// and 推荐意见 boxes, its notes (`*说明：1.…`, `2.…`) and its 附表 (a
/// `附表1 …` title and the table under it).
pub fn surrounding(items: &[Item], at: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = at;
    while i > 0 && at - i < 4 {
        i -= 1;
        match &items[i] {
            Item::Para(p) if p.is_blank() => out.push(i),
            Item::Para(p) => {
                let t = key_text(&p.text());
                if t.ends_with("申报表") || t.starts_with("附件") && t.chars().count() <= 6 {
                    out.push(i);
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    let mut notes = false;
    // After a 附表 title: its table.
    let mut detail = false;
    let mut blanks = Vec::new();
    for (j, item) in items.iter().enumerate().skip(at + 1) {
        let p = match item {
            Item::Table(t) if detail || is_form_tail(t) => {
                detail = false;
                out.append(&mut blanks);
                out.push(j);
                continue;
            }
            Item::Table(_) => break,
            Item::Para(p) => p,
        };
        let t = p.text();
        let t = t.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '＊');
        if p.is_blank() && p.images().next().is_none() {
            blanks.push(j);
            continue;
        }
        if detail {
            break;
        }
        if t.starts_with("说明") || t.starts_with("填表说明") || t.starts_with("注：") {
            notes = true;
        } else if is_detail_title(t)
            && items[j + 1..]
                .iter()
                .find(|n| !matches!(n, Item::Para(q) if q.is_blank()))
                .is_some_and(|n| matches!(n, Item::Table(_)))
        {
            detail = true;
        } else if !(notes && t.starts_with(|c: char| c.is_ascii_digit())) {
            break;
        }
        out.append(&mut blanks);
        out.push(j);
    }
    out
}

/// Reads the form's values into `fields`.
pub fn read(t: &Table, file: &str, fields: &mut Fields) {
    let at = |c: &Cell| {
        c.paras.first().map(|p| At {
            file: file.to_string(),
            paragraph: p.n,
            words: first_words(&c.text()),
        })
    };
    let mut person: Option<&str> = None;
    let mut years: Vec<(usize, String)> = Vec::new();
    for row in &t.rows {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| c.text().trim().to_string())
            .collect();
        let keys: Vec<String> = cells.iter().map(|c| key_text(c)).collect();
        // The row of years heads the finance rows below it.
        let row_years: Vec<(usize, String)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let y = k.trim_end_matches('年');
                (y.len() == 4 && y.starts_with("20") && y.chars().all(|c| c.is_ascii_digit()))
                    .then(|| (i, y.to_string()))
            })
            .collect();
        if row_years.len() >= 2 {
            years = row_years;
            continue;
        }
        for (i, k) in keys.iter().enumerate() {
            if k.starts_with("质量管理机构负责人") {
                person = Some("company.quality_head");
            } else if k == "联系人" {
                person = Some("contact");
            }
            let value_after = || {
                cells
                    .get(i + 1)
                    .filter(|v| !is_label(v))
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            let place = at(&row.cells[i]);
            if k.starts_with("企业性质") {
                let rest = cells[i + 1..].join(" ");
                if let Some(v) = ticked(&rest, &NATURES) {
                    fields.set("company.nature", v, place);
                }
            } else if k.starts_with("企业类型") {
                let rest = cells[i + 1..].join(" ");
                if let Some(v) = ticked(&rest, &SCALES) {
                    fields.set("company.scale", v, place);
                }
            } else if let Some(field) = ["资产总额", "主营业务收入", "营业收入", "利润总额"]
                .iter()
                .position(|f| k.starts_with(f))
            {
                let name = ["assets", "revenue", "revenue", "profit"][field];
                for (col, year) in &years {
                    if let Some(v) = cells.get(*col).and_then(|v| amount(v)) {
                        fields.set(&format!("finance.{year}.{name}"), v, place.clone());
                    }
                }
            } else if matches!(
                k.as_str(),
                "姓名" | "职务" | "联系电话" | "邮箱" | "电子邮箱"
            ) {
                let who = person.unwrap_or("contact");
                let key = match (k.as_str(), who) {
                    ("姓名", w) => format!("{w}.name"),
                    ("职务", w) => format!("{w}.title"),
                    ("联系电话", _) => "contact.phone".into(),
                    _ => "contact.email".into(),
                };
                if let Some(v) = value_after() {
                    fields.set(&key, v, place);
                }
            } else if let Some(key) = simple_key(k)
                && let Some(v) = value_after()
            {
                {
                    let v = if COUNTS.contains(&key) {
                        match count(&v) {
                            Some(n) => n,
                            None => continue,
                        }
                    } else if key == "company.industry" && v.contains("请填写") {
                        continue;
                    } else {
                        v
                    };
                    fields.set(key, v, place);
                }
            }
        }
    }
}

/// A list: words of its title, its key, (column header, item key)s.
type DetailList = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The lists a 附表 can hold: words of its title → the key under
/// `details`, and its columns' headers → the item's keys.
const DETAILS: &[DetailList] = &[
    (
        "专利",
        "patents",
        &[
            ("专利名称", "name"),
            ("专利号", "number"),
            ("申请号", "number"),
            ("状态", "status"),
            ("日期", "date"),
        ],
    ),
    (
        "软件著作权",
        "software_copyrights",
        &[
            ("软件名称", "name"),
            ("登记号", "number"),
            ("登记日期", "date"),
            ("日期", "date"),
        ],
    ),
    (
        "标准",
        "standards",
        &[
            ("标准名称", "name"),
            ("标准号", "number"),
            ("级别", "level"),
            ("主导/参与", "role"),
            ("主导或参与", "role"),
        ],
    ),
    (
        "荣誉",
        "honors",
        &[
            ("荣誉名称", "name"),
            ("颁发单位", "by"),
            ("年份", "year"),
            ("获得年份", "year"),
        ],
    ),
];

/// A 附表 (its title and table) → `details.KIND.NNN.KEY` in `fields`, the
/// columns found by their headers. Returns the list's key and how many
/// items it read, `None` for a table that is not one of the four lists.
pub fn read_detail(
    title: &str,
    t: &Table,
    file: &str,
    fields: &mut Fields,
) -> Option<(&'static str, usize)> {
    let t_title = key_text(title);
    let (_, kind, columns) = DETAILS.iter().find(|(w, _, _)| t_title.contains(w))?;
    let mut rows = t.rows.iter();
    let header: Vec<Option<&str>> = rows
        .next()?
        .cells
        .iter()
        .map(|c| {
            let h = key_text(&c.text());
            columns.iter().find(|(n, _)| h == *n).map(|(_, k)| *k)
        })
        .collect();
    header.iter().flatten().find(|k| **k == "name")?;
    let mut n = 0;
    for row in rows {
        let mut any = false;
        for (cell, key) in row.cells.iter().zip(&header) {
            let Some(key) = key else { continue };
            let mut v = cell.text().trim().to_string();
            if *key == "level" {
                v = v.trim_end_matches("标准").to_string();
            }
            if v.is_empty() {
                continue;
            }
            let at = cell.paras.first().map(|p| At {
                file: file.to_string(),
                paragraph: p.n,
                words: first_words(&v),
            });
            fields.set(&format!("details.{kind}.{n:03}.{key}"), v, at);
            any = true;
        }
        if any {
            n += 1;
        }
    }
    Some((kind, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_labels() {
        assert_eq!(
            ticked("中央企业□ 地方国企□ 民营☑ 三资□", &NATURES).as_deref(),
            Some("民营")
        );
        assert_eq!(
            ticked("□大型企业 √中型企业 □小型企业", &SCALES).as_deref(),
            Some("中型企业")
        );
        assert_eq!(
            ticked("□中央企业 ☑地方国企", &NATURES).as_deref(),
            Some("地方国企")
        );
        assert_eq!(ticked("大型企业□ 中型企业□", &SCALES), None);
        assert_eq!(key_text("资产总额（万元）"), "资产总额");
        assert_eq!(key_text("企业类型*"), "企业类型");
        assert_eq!(amount("41,200"), Some("41200".into()));
        assert_eq!(count("35件"), Some("35".into()));
    }
}
