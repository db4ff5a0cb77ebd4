//! The cover as writers type it: the title lines, then `标杆名称：…`,
//! `申 报 单 位：…` with spaced labels, either colon, the value after a Tab or
//! on underlined blanks, a long value wrapped onto the next line.

use super::fields::Fields;
use super::report::{At, Kind, Note, first_words};
use super::word::{Item, Para};

/// A cover label → the key it fills.
const LABELS: &[(&[&str], &str)] = &[
    (
        &[
            "标杆名称",
            "质量标杆名称",
            "标杆经验名称",
            "经验名称",
            "质量标杆",
        ],
        "benchmark.title",
    ),
    (
        &[
            "申报单位",
            "申报企业",
            "企业名称",
            "单位名称",
            "申报单位名称",
        ],
        "company.name",
    ),
    (&["联系人", "联系人姓名"], "contact.name"),
    (
        &[
            "联系方式",
            "联系电话",
            "电话",
            "手机",
            "手机号码",
            "联系人电话",
        ],
        "contact.phone",
    ),
    (&["申报日期", "日期", "申报时间"], "date"),
];

/// What the cover gave, and where the body starts.
pub struct Cover {
    pub fields: Fields,
    /// Index of the first item after the cover.
    pub end: usize,
}

/// Whitespace of every kind a writer spaces labels with, and the
/// underscores of typed blanks.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '_' && *c != '＿')
        .collect()
}

/// A cover line's label and value: `标杆名称：…`, `联 系 人:  张三`,
/// `申报单位\t…`.
pub fn label_value(text: &str) -> Option<(&'static str, String)> {
    let t = text.trim();
    let (label, value) = match t.find(['：', ':']) {
        Some(i) if t[..i].chars().count() <= 16 => {
            let colon = t[i..].chars().next().map_or(1, char::len_utf8);
            (&t[..i], &t[i + colon..])
        }
        _ => {
            let i = t.find('\t')?;
            (&t[..i], &t[i..])
        }
    };
    let label = squeeze(label);
    let key = LABELS
        .iter()
        .find(|(names, _)| names.contains(&label.as_str()))
        .map(|(_, k)| *k)?;
    Some((key, clean_value(value)))
}

/// A value without the blanks around it (spaces, Tabs, underscores of a
/// typed line).
fn clean_value(v: &str) -> String {
    v.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '_' || c == '＿')
        .to_string()
}

/// The profile a cover title line names: `2023年洛阳市质量标杆` →
/// luoyang-2023, `2023年河南省质量标杆` → henan-2023.
pub fn profile_of(line: &str) -> Option<String> {
    let t = squeeze(line);
    if !t.contains("质量标杆") {
        return None;
    }
    let year: String = t.chars().take_while(char::is_ascii_digit).collect();
    let year = if year.len() == 4 { year } else { "2023".into() };
    let region = if t.contains("洛阳") {
        "luoyang"
    } else if t.contains("河南") {
        "henan"
    } else {
        return None;
    };
    Some(format!("{region}-{year}"))
}

/// `2023年3月20日`, `2023-03-20`, `2023.3.20`, `2023/3/20` → `2023-03-20`.
pub fn iso_date(s: &str) -> Option<String> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums[..] {
        [y, m, d]
            if (1900..2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) =>
        {
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// Reads the cover from the items before `limit` (the first heading of the
/// body). `None` when the draft has no cover lines.
pub fn read(items: &[Item], limit: usize, file: &str, notes: &mut Vec<Note>) -> Cover {
    let mut fields = Fields::default();
    let at = |p: &Para| At {
        file: file.to_string(),
        paragraph: p.n,
        words: first_words(&p.text()),
    };
    let limit = limit.min(items.len());
    // The last label line of the cover, to know where it ends.
    let mut last_label = None;
    let mut title_lines = Vec::new();
    for (i, item) in items[..limit].iter().enumerate() {
        match item {
            Item::Para(p) => {
                if label_value(&p.text()).is_some() {
                    last_label = Some(i);
                }
                if profile_of(&p.text()).is_some() {
                    title_lines.push(i);
                }
            }
            Item::Table(t) => {
                let labels = t
                    .rows
                    .iter()
                    .filter(|r| {
                        r.cells
                            .first()
                            .is_some_and(|c| label_value(&format!("{}：", c.text())).is_some())
                    })
                    .count();
                if labels >= 2 {
                    last_label = Some(i);
                }
            }
        }
    }
    let Some(last) = last_label else {
        // A draft with only the title lines still has them as its cover.
        let end = title_lines.last().map_or(0, |&i| i + 1);
        if let Some(&i) = title_lines.first()
            && let Item::Para(p) = &items[i]
        {
            if let Some(profile) = profile_of(&p.text()) {
                fields.set("profile", profile, Some(at(p)));
            }
            notes.push(Note {
                kind: Kind::CoverTitle,
                at: Some(at(p)),
                text: Some(p.text().trim().to_string()),
            });
        }
        let end = skip_cover_rest(items, end, limit);
        return Cover { fields, end };
    };
    let mut i = 0;
    let mut open: Option<&'static str> = None;
    while i <= last {
        match &items[i] {
            Item::Para(p) => {
                let text = p.text();
                if let Some((key, value)) = label_value(&text) {
                    if !value.is_empty() {
                        fields.set(key, value, Some(at(p)));
                    }
                    open = Some(key);
                } else if let Some(profile) = profile_of(&text) {
                    fields.set("profile", profile, Some(at(p)));
                    notes.push(Note {
                        kind: Kind::CoverTitle,
                        at: Some(at(p)),
                        text: Some(text.trim().to_string()),
                    });
                } else if squeeze(&text).is_empty() || squeeze(&text) == "申报材料" {
                    // A blank line, or the title's second line.
                } else if let Some(key) =
                    open.filter(|k| matches!(*k, "benchmark.title" | "company.name"))
                {
                    // A long value wrapped onto the next line.
                    let more = clean_value(&text);
                    let value = match fields.get(key) {
                        Some(v) => format!("{v}{more}"),
                        None => more,
                    };
                    let first = fields.map.get(key).and_then(|f| f.at.clone());
                    fields.set(key, value, first.or_else(|| Some(at(p))));
                } else {
                    notes.push(Note {
                        kind: Kind::CoverUnused,
                        at: Some(at(p)),
                        text: Some(text.trim().to_string()),
                    });
                }
            }
            Item::Table(t) => {
                for row in &t.rows {
                    let cells: Vec<String> = row.cells.iter().map(|c| c.text()).collect();
                    if cells.len() >= 2
                        && let Some((key, _)) = label_value(&format!("{}：", cells[0]))
                    {
                        let value = clean_value(&cells[1..].join(""));
                        if !value.is_empty() {
                            let place = row.cells[0].paras.first().map(at);
                            fields.set(key, value, place);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    if let Some(d) = fields.map.get("date").cloned()
        && let Some(iso) = iso_date(&d.value)
    {
        fields.set("date", iso, d.at);
    }
    if let Some(p) = fields.map.get("contact.phone").cloned() {
        let digits: String = p.value.chars().filter(|c| !c.is_whitespace()).collect();
        fields.set("contact.phone", digits, p.at);
    }
    let end = skip_cover_rest(items, last + 1, limit);
    Cover { fields, end }
}

/// After the last label: blank lines and a wrapped value's last lines up to
/// the page break that ends the cover.
fn skip_cover_rest(items: &[Item], mut i: usize, limit: usize) -> usize {
    while i < limit {
        match &items[i] {
            Item::Para(p) if p.is_blank() && p.images().next().is_none() => i += 1,
            _ => break,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_as_writers_type_them() {
        assert_eq!(
            label_value("标杆名称：洛阳某某公司经验"),
            Some(("benchmark.title", "洛阳某某公司经验".into()))
        );
        assert_eq!(
            label_value("申 报 单 位：\t洛阳某某公司"),
            Some(("company.name", "洛阳某某公司".into()))
        );
        assert_eq!(
            label_value("联 系 人:  张三"),
            Some(("contact.name", "张三".into()))
        );
        assert_eq!(
            label_value("联系方式：____13812345678____"),
            Some(("contact.phone", "13812345678".into()))
        );
        assert_eq!(label_value("公司自2018年起：推行零缺陷"), None);
        assert_eq!(
            label_value("申报日期\t2023年3月20日").map(|x| x.0),
            Some("date")
        );
    }

    #[test]
    fn dates_and_profiles() {
        assert_eq!(iso_date("2023年3月20日").as_deref(), Some("2023-03-20"));
        assert_eq!(iso_date("2023.03.20").as_deref(), Some("2023-03-20"));
        assert_eq!(iso_date("三月"), None);
        assert_eq!(
            profile_of("2023年洛阳市质量标杆").as_deref(),
            Some("luoyang-2023")
        );
        assert_eq!(
            profile_of("2023年河南省质量标杆").as_deref(),
            Some("henan-2023")
        );
        assert_eq!(profile_of("申 报 材 料"), None);
    }
}
