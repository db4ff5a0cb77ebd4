//! Material + profile + fonts → the data the templates render (`/data.json`).
//! Numbering and text decisions are made here; layout is the templates'.

use serde::Serialize;

use crate::markdown::{plain_text, Block};
use crate::material::{Material, PartKind};
use crate::profile::Profile;

#[derive(Serialize)]
pub struct RenderData<'a> {
    pub meta: Meta,
    pub profile: &'a Profile,
    pub fonts: serde_json::Value,
    pub cover: CoverData,
    pub body: BodyData,
}

#[derive(Serialize)]
pub struct Meta {
    pub title: String,
    pub company: String,
    pub draft: bool,
}

#[derive(Serialize)]
pub struct CoverData {
    pub title_lines: Vec<String>,
    pub fields: Vec<Field>,
}

#[derive(Serialize)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

#[derive(Serialize)]
pub struct BodyData {
    pub title: String,
    pub parts: Vec<PartData>,
}

#[derive(Serialize)]
pub struct PartData {
    pub kind: &'static str,
    pub title: &'static str,
    /// `一、` … for the three parts; empty for 摘要 (B5).
    pub number: &'static str,
    pub blocks: Vec<Block>,
}

/// A calendar date as the material gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `2023-03-20`, `2023/3/20`, `2023.3.20` or `2023年3月20日`;
    /// `None` for anything that is not a real date.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let nums: Vec<&str> = s
            .split(|c: char| matches!(c, '-' | '/' | '.' | '年' | '月' | '日'))
            .filter(|p| !p.is_empty())
            .collect();
        if nums.len() != 3 || s.ends_with(['-', '/', '.']) {
            return None;
        }
        let year: i32 = nums[0].trim().parse().ok()?;
        let month: u32 = nums[1].trim().parse().ok()?;
        let day: u32 = nums[2].trim().parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1900..=2999).contains(&year) && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }

    /// `2023年3月20日`: no zero padding (C4).
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

pub fn part_number(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Abstract => "",
        PartKind::Overview => "一、",
        PartKind::Implementation => "二、",
        PartKind::Effects => "三、",
    }
}

/// Cells of an unaligned column are centred unless the column holds running
/// text, which reads better flush left.
pub fn settle_alignments(blocks: &mut [Block]) {
    for b in blocks.iter_mut() {
        match b {
            Block::Table { aligns, rows, .. } => {
                for (i, a) in aligns.iter_mut().enumerate() {
                    if *a == "auto" {
                        let long = rows.iter().any(|r| r.get(i).is_some_and(|c| plain_text(c).chars().count() > 16));
                        *a = if long { "left" } else { "center" };
                    }
                }
            }
            Block::List { items, .. } => items.iter_mut().for_each(|it| settle_alignments(it)),
            Block::Quote { blocks } => settle_alignments(blocks),
            _ => {}
        }
    }
}

pub fn cover_fields(m: &Material, date: Date) -> Vec<Field> {
    vec![
        Field { label: "标杆名称", value: m.benchmark.title.value.trim().to_string() },
        Field { label: "申报单位", value: m.company.name.value.trim().to_string() },
        Field { label: "联系人", value: m.contact.name.value.trim().to_string() },
        Field { label: "联系方式", value: m.contact.phone.value.0.clone() },
        Field { label: "申报日期", value: date.chinese() },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2023-03-20").map(Date::chinese).as_deref(), Some("2023年3月20日"));
        assert_eq!(Date::parse("2023年3月5日").map(Date::chinese).as_deref(), Some("2023年3月5日"));
        assert_eq!(Date::parse("2023/2/29"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("明天"), None);
    }
}
