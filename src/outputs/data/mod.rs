//! Material + profile + fonts → the data every Typst template reads
//! (`/data.json`). Numbering and text decisions are made before this; layout
//! is the templates'.

pub mod form;

use serde::Serialize;

use crate::document::Block;
use crate::document::Prepared;
use crate::material::{Date, Material, PartKind};
use crate::profile::Profile;

#[derive(Serialize)]
pub struct RenderData<'a> {
    pub meta: Meta,
    pub profile: &'a Profile,
    pub fonts: serde_json::Value,
    pub cover: CoverData,
    pub form: form::FormData,
    pub body: BodyData,
    pub attachments: &'a [crate::document::Attachment],
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
    /// A run of running text that may break between any two characters
    /// (`layout::long_run_pattern`), for the template's `regex()`.
    pub long_run: String,
}

#[derive(Serialize)]
pub struct PartData {
    pub kind: &'static str,
    pub title: &'static str,
    /// `一、` … for the three parts; empty for 摘要 (B5).
    pub number: &'static str,
    pub blocks: Vec<Block>,
}

pub fn part_number(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Abstract => "",
        PartKind::Overview => "一、",
        PartKind::Implementation => "二、",
        PartKind::Effects => "三、",
    }
}

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

/// The 申报表's data, with the county's 推荐意见 where the profile prints
/// it (a profile may keep the box for the pen).
fn form_data(p: &Prepared, opinion: Option<&crate::material::county::Opinion>) -> form::FormData {
    form::FormData {
        opinion: opinion.filter(|_| p.profile.form.print_opinion).cloned(),
        ..form::data(&p.loaded.material, &p.profile)
    }
}

/// What the form reads (`templates/form/`): its own data, not the body's,
/// so that an edit of the body leaves it unchanged and the form's PDF can
/// be reused (see `outputs::typst`).
pub fn form_json(
    p: &Prepared,
    draft: bool,
    pdf_date: bool,
    opinion: Option<&crate::material::county::Opinion>,
) -> Vec<u8> {
    #[derive(Serialize)]
    struct FormOnly<'a> {
        meta: Meta,
        profile: &'a Profile,
        fonts: serde_json::Value,
        form: form::FormData,
    }
    let m = &p.loaded.material;
    let data = FormOnly {
        meta: Meta {
            title: m.benchmark.title.value.trim().to_string(),
            company: m.company.name.value.trim().to_string(),
            draft,
            pdf_date,
        },
        profile: &p.profile,
        fonts: p.fonts.roles_json(),
        form: form_data(p, opinion),
    };
    serde_json::to_vec(&data).expect("render data is plain data")
}

/// The JSON the templates read.
pub fn json(
    p: &Prepared,
    draft: bool,
    pdf_date: bool,
    opinion: Option<&crate::material::county::Opinion>,
) -> Vec<u8> {
    let m = &p.loaded.material;
    let title = m.benchmark.title.value.trim().to_string();
    let data = RenderData {
        meta: Meta {
            title: title.clone(),
            company: m.company.name.value.trim().to_string(),
            draft,
            pdf_date,
        },
        profile: &p.profile,
        fonts: p.fonts.roles_json(),
        cover: CoverData {
            title_lines: p.profile.title_lines.clone(),
            fields: cover_fields(m, p.date),
        },
        form: form_data(p, opinion),
        attachments: &p.attachments,
        body: BodyData {
            title,
            long_run: crate::layout::long_run_pattern(),
            parts: p
                .parts
                .iter()
                .map(|(kind, blocks)| PartData {
                    kind: kind.key(),
                    title: kind.title(),
                    number: part_number(*kind),
                    blocks: blocks.clone(),
                })
                .collect(),
        },
    };
    serde_json::to_vec(&data).expect("render data is plain data")
}

/// Which characters of the printed text a later font of a role's chain
/// printed (build report). Roles approximate the templates: the parts are
/// counted as 宋体 (their bold headings use the same chain), the cover title
/// lines as 华文中宋, the article title and the cover fields as 黑体.
pub fn fallbacks(p: &crate::document::Prepared) -> Vec<crate::resources::fonts::Fallback> {
    let m = &p.loaded.material;
    let body: String = p
        .parts
        .iter()
        .map(|(_, blocks)| crate::document::blocks_text(blocks))
        .collect();
    let cover_title = p.profile.title_lines.join("\n");
    let mut hei = m.benchmark.title.value.clone();
    for f in cover_fields(m, p.date) {
        hei.push_str(f.label);
        hei.push_str(&f.value);
    }
    [
        (crate::resources::fonts::Role::Song, body),
        (crate::resources::fonts::Role::Hei, hei),
        (crate::resources::fonts::Role::Zhongsong, cover_title),
    ]
    .iter()
    // Characters that print nothing (the zero-width spaces that let a long
    // run break) come from no font.
    .map(|(role, text)| (role, text.replace(crate::text::is_ignorable, "")))
    .flat_map(|(role, text)| p.fonts.fallbacks(*role, &text))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch() {
        assert_eq!(civil_from_epoch(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil_from_epoch(1_679_270_400), (2023, 3, 20, 0, 0, 0));
        assert_eq!(civil_from_epoch(951_782_400 + 3661), (2000, 2, 29, 1, 1, 1));
    }
}
