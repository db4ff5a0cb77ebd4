//! Material + profile + fonts → the data the templates render (`/data.json`).
//! Numbering and text decisions are made here; layout is the templates'.

use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::markdown::{Block, Inline, Width, plain_text};
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
    /// Whether the PDF carries a creation date (only with SOURCE_DATE_EPOCH,
    /// so that the same input always gives the same bytes).
    pub pdf_date: bool,
}

/// The UTC civil time of a Unix timestamp: (year, month, day, h, m, s).
pub fn civil_from_epoch(secs: i64) -> (i32, u8, u8, u8, u8, u8) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year as i32,
        month as u8,
        day as u8,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
    )
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
            .split(['-', '/', '.', '年', '月', '日'])
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
        ((1900..=2999).contains(&year) && (1..=days).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
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
            Block::Table {
                aligns,
                header,
                rows,
                runs,
                ..
            } => {
                let n = aligns.len().max(header.len());
                *runs = (0..n)
                    .map(|i| {
                        let cells = std::iter::once(header.get(i))
                            .chain(rows.iter().map(|r| r.get(i)))
                            .flatten();
                        longest_run(cells.map(|c| plain_text(c)))
                    })
                    .collect();
                for (i, a) in aligns.iter_mut().enumerate() {
                    if *a == "auto" {
                        let long = rows
                            .iter()
                            .any(|r| r.get(i).is_some_and(|c| plain_text(c).chars().count() > 16));
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

/// Runs longer than this many characters with no break opportunity (a URL,
/// a chemical name, `⒆⒇①②③…`) may break between any two characters, as
/// Word breaks a word longer than the line; otherwise the line would run
/// past the margin, or the line before it be stretched letter by letter.
const LONG_RUN: usize = 20;

/// Lets long unbreakable runs in running text break anywhere (a zero-width
/// space between their characters: it prints nothing). Tables size their
/// columns to such runs instead (`runs`), so they are left alone.
pub fn allow_breaks(blocks: &mut [Block]) {
    fn inlines(content: &mut [Inline]) {
        for i in content.iter_mut() {
            match i {
                Inline::Text { v } => {
                    if let Some(broken) = break_long_runs(v) {
                        *v = broken;
                    }
                }
                other => {
                    if let Some(c) = other.children_mut() {
                        inlines(c);
                    }
                }
            }
        }
    }
    for b in blocks.iter_mut() {
        match b {
            Block::Para { content } | Block::Heading { content, .. } => inlines(content),
            Block::List { items, .. } => items.iter_mut().for_each(|it| allow_breaks(it)),
            Block::Quote { blocks } => allow_breaks(blocks),
            _ => {}
        }
    }
}

fn break_long_runs(v: &str) -> Option<String> {
    let unbreakable = |c: char| !c.is_whitespace() && !crate::text::is_cjk(c) && c != '\u{200B}';
    let mut run = 0;
    let mut long = false;
    for c in v.chars() {
        run = if unbreakable(c) { run + 1 } else { 0 };
        long |= run > LONG_RUN;
    }
    if !long {
        return None;
    }
    let chars: Vec<char> = v.chars().collect();
    let mut out = String::with_capacity(v.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let n = chars[i..].iter().take_while(|c| unbreakable(**c)).count();
        if n > LONG_RUN {
            for (k, c) in chars[i..i + n].iter().enumerate() {
                if k > 0 {
                    out.push('\u{200B}');
                }
                out.push(*c);
            }
            i += n;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The longest run of a column that a line cannot break: a Latin word or
/// number (`ZCuSn10Pb1`, `GB/T`), else one CJK character.
fn longest_run(cells: impl Iterator<Item = String>) -> String {
    let mut best = String::from("国");
    for cell in cells {
        for run in cell.split(|c: char| !c.is_ascii_graphic()) {
            if run.chars().count() > best.chars().count() {
                best = run.to_string();
            }
        }
    }
    best
}

/// Settles each figure's printed width (the same rule Word follows: natural
/// size from the resolution saved in the file, 96 dpi if none, no wider than
/// the text block; a width asked for in the title wins) and shrinks a tall picture so it and two caption lines fit on
/// one page. Reports pictures that would print below 300 / 150 dpi (V3).
pub fn place_figures(blocks: &mut [Block], profile: &Profile, diags: &mut Vec<Diagnostic>) {
    let page = &profile.page;
    let text_w = (page.width_mm - page.margin_left_mm - page.margin_right_mm) * MM;
    let text_h = (page.height_mm - page.margin_top_mm - page.margin_bottom_mm) * MM;
    let caption = profile.size_pt(&profile.caption_size.value).unwrap_or(10.5);
    // Two caption lines, the gap above the caption and as much again spare.
    let max_h = text_h - 2.0 * caption * profile.line_spacing - 2.0 * profile.caption_gap_pt;
    for b in blocks.iter_mut() {
        match b {
            Block::Figure {
                px_width,
                px_height,
                dpi: saved,
                width,
                width_pt,
                span,
                number,
                ..
            } => {
                let aspect = f64::from(*px_height) / f64::from(*px_width);
                let natural = f64::from(*px_width) / saved.unwrap_or(96.0) * 72.0;
                let mut w = match width {
                    None => natural.min(text_w),
                    Some(Width::Ratio(r)) => text_w * r.min(1.0),
                    Some(Width::Pt(pt)) => pt.min(text_w),
                };
                if w * aspect > max_h {
                    w = max_h / aspect;
                }
                *width_pt = (w * 100.0).round() / 100.0;
                // Rounded down for the message, so 299.7 dpi never reads
                // "300 dpi, below 300".
                let dpi = f64::from(*px_width) / (w / 72.0);
                let shown = dpi.floor();
                if dpi < 150.0 {
                    diags.push(
                        Diagnostic::error(
                            Code::ImageResolution,
                            format!("图{number} 印出来只有 {shown} dpi，低于 150 dpi，会模糊"),
                        )
                        .at_opt(span.clone())
                        .help("换一张更清晰（像素更多）的图片，或把宽度设小一些，如 \"width=50%\""),
                    );
                } else if dpi < 300.0 {
                    diags.push(
                        Diagnostic::warning(
                            Code::ImageResolution,
                            format!("图{number} 印出来是 {shown} dpi，低于建议的 300 dpi"),
                        )
                        .at_opt(span.clone())
                        .help("如有更清晰的原图，建议替换"),
                    );
                }
            }
            Block::List { items, .. } => items
                .iter_mut()
                .for_each(|it| place_figures(it, profile, diags)),
            Block::Quote { blocks } => place_figures(blocks, profile, diags),
            _ => {}
        }
    }
}

const MM: f64 = 72.0 / 25.4;

pub fn cover_fields(m: &Material, date: Date) -> Vec<Field> {
    vec![
        Field {
            label: "标杆名称",
            value: m.benchmark.title.value.trim().to_string(),
        },
        Field {
            label: "申报单位",
            value: m.company.name.value.trim().to_string(),
        },
        Field {
            label: "联系人",
            value: m.contact.name.value.trim().to_string(),
        },
        Field {
            label: "联系方式",
            value: m.contact.phone.value.0.clone(),
        },
        Field {
            label: "申报日期",
            value: date.chinese(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_may_break() {
        assert_eq!(break_long_runs("ISO 9001认证"), None);
        let url = "https://example.org/a/very/long/path";
        let broken = break_long_runs(&format!("见{url}。")).expect("long");
        assert_eq!(broken.replace('\u{200B}', ""), format!("见{url}。"));
        assert_eq!(broken.matches('\u{200B}').count(), url.chars().count() - 1);
    }

    #[test]
    fn epoch() {
        assert_eq!(civil_from_epoch(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil_from_epoch(1_679_270_400), (2023, 3, 20, 0, 0, 0));
        assert_eq!(civil_from_epoch(951_782_400 + 3661), (2000, 2, 29, 1, 1, 1));
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2023-03-20").map(Date::chinese).as_deref(),
            Some("2023年3月20日")
        );
        assert_eq!(
            Date::parse("2023年3月5日").map(Date::chinese).as_deref(),
            Some("2023年3月5日")
        );
        assert_eq!(Date::parse("2023/2/29"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("明天"), None);
    }
}
