//! The 申报表's cells (Annex 2, SPEC §9 A2), settled from the material: the
//! data the form's renderers (申报表.pdf, the book, 申报表.docx) and the
//! deck's facts read.

use serde::Serialize;

use crate::material::Material;
use crate::material::industry;
use crate::material::values::{NATURES, SCALES};
use crate::profile::Profile;

/// What the form prints, every cell's text settled here; empty strings are
/// cells left for the writer's pen.
#[derive(Serialize)]
pub struct FormData {
    pub name: String,
    pub address: String,
    /// 企业性质 and 企业类型: each option and whether it is ticked.
    pub natures: Vec<Choice>,
    pub scales: Vec<Choice>,
    /// `3451 滚动轴承制造`: the 小类 code and its name from GB/T 4754-2017.
    pub industry: String,
    pub quality_head: PersonCells,
    pub contact: ContactCells,
    /// The three years before the campaign year, oldest first, and their
    /// 资产总额, 主营业务收入 and 利润总额 in 万元.
    pub years: Vec<i32>,
    pub assets: Vec<String>,
    pub revenue: Vec<String>,
    pub profit: Vec<String>,
    pub patents_applied: String,
    pub patents_granted: String,
    pub software_copyrights: String,
    /// 国际, 国家, 行业, 地方, 团体, 企业标准 (项).
    pub standards: Vec<String>,
    pub honors: String,
    pub brief: String,
    /// The company's name in the declaration, or empty: the notice wants it
    /// written by hand (公司名称需手工填写全称，与公章保持一致).
    pub declared_name: String,
    /// The declaration after the name.
    pub declaration: String,
    /// The 附表 after the form, one per list the material gives.
    pub details: Vec<DetailTable>,
    /// The county's 推荐意见, when it has recommended the material.
    pub opinion: Option<crate::material::county::Opinion>,
}

/// One 附表: its title and rows, 序号 first.
#[derive(Serialize)]
pub struct DetailTable {
    pub title: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Serialize)]
pub struct Choice {
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Serialize)]
pub struct PersonCells {
    pub name: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct ContactCells {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

fn text(v: Option<&serde_saphyr::Spanned<String>>) -> String {
    v.map(|t| t.value.trim().to_string()).unwrap_or_default()
}

fn count(v: Option<u32>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// 万元 as the writer gave it: `52000`, `2100.5`; no rounding, no
/// thousands separators (a form cell, not a report).
pub fn amount(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

fn choices(options: &[&'static str], chosen: Option<&str>) -> Vec<Choice> {
    options
        .iter()
        .map(|&label| Choice {
            label,
            checked: chosen.is_some_and(|c| c.trim() == label),
        })
        .collect()
}

/// The industry as the form prints it: code and name from the table when
/// the code is known, else as typed (V7 reports it).
pub fn industry_cell(typed: &str) -> String {
    let v = typed.trim();
    let v = v
        .strip_prefix(|c: char| c.is_ascii_uppercase())
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(v);
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    match industry::by_code(&digits) {
        Some(class) => format!("{} {}", class.code, class.name),
        None => typed.trim().to_string(),
    }
}

pub fn data(m: &Material, profile: &Profile) -> FormData {
    let c = &m.company;
    let years: Vec<i32> = (1..=3).rev().map(|k| profile.campaign_year - k).collect();
    let column = |pick: fn(&crate::material::model::Finance) -> Option<f64>| -> Vec<String> {
        years
            .iter()
            .map(|y| {
                u16::try_from(*y)
                    .ok()
                    .and_then(|y| m.finance.get(&y))
                    .and_then(pick)
                    .map(amount)
                    .unwrap_or_default()
            })
            .collect()
    };
    let standards = m.standards.map_or([None; 6], |s| {
        [
            Some(s.international),
            Some(s.national),
            Some(s.industry),
            Some(s.local),
            Some(s.group),
            Some(s.enterprise),
        ]
    });
    let name = m.company.name.value.trim().to_string();
    let declaration = profile.form.declaration.clone();
    let (declared_name, declaration) = if profile.form.prefill_company {
        // "洛阳…有限公司" + "公司在质量…" would say 公司 twice.
        let rest = match declaration.strip_prefix("公司") {
            Some(rest) if name.ends_with("公司") => rest.to_string(),
            _ => declaration,
        };
        (name.clone(), rest)
    } else {
        (String::new(), declaration)
    };
    FormData {
        name,
        address: text(c.address.as_ref()),
        natures: choices(&NATURES, c.nature.as_ref().map(|v| v.value.as_str())),
        scales: choices(&SCALES, c.scale.as_ref().map(|v| v.value.as_str())),
        industry: c
            .industry
            .as_ref()
            .map(|i| industry_cell(&i.value))
            .unwrap_or_default(),
        quality_head: PersonCells {
            name: c
                .quality_head
                .as_ref()
                .map(|p| p.name.value.trim().to_string())
                .unwrap_or_default(),
            title: text(c.quality_head.as_ref().and_then(|p| p.title.as_ref())),
        },
        contact: ContactCells {
            name: m.contact.name.value.trim().to_string(),
            title: text(m.contact.title.as_ref()),
            phone: m.contact.phone.value.0.clone(),
            email: text(m.contact.email.as_ref()),
        },
        assets: column(|f| f.assets.as_ref().map(|v| v.value)),
        revenue: column(|f| f.revenue.as_ref().map(|v| v.value)),
        profit: column(|f| f.profit.as_ref().map(|v| v.value)),
        years,
        patents_applied: count(m.patents.map(|p| p.applied)),
        patents_granted: count(m.patents.map(|p| p.granted)),
        software_copyrights: count(m.software_copyrights),
        standards: standards.iter().map(|v| count(*v)).collect(),
        honors: count(m.honors),
        brief: text(m.benchmark.brief.as_ref()),
        declared_name,
        declaration,
        details: details(m),
        opinion: None,
    }
}

/// The 附表 of the lists the material gives, numbered in the form's order.
fn details(m: &Material) -> Vec<DetailTable> {
    let Some(d) = &m.details else {
        return Vec::new();
    };
    let opt = |v: &Option<serde_saphyr::Spanned<String>>| text(v.as_ref());
    let numbered = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r.insert(0, (i + 1).to_string());
                r
            })
            .collect()
    };
    let mut tables = Vec::new();
    if let Some(list) = &d.patents {
        tables.push((
            "申请和授权专利情况",
            vec!["序号", "专利名称", "专利号", "状态", "日期"],
            numbered(
                list.value
                    .iter()
                    .map(|p| {
                        vec![
                            p.name.value.trim().into(),
                            opt(&p.number),
                            p.status.value.trim().into(),
                            opt(&p.date),
                        ]
                    })
                    .collect(),
            ),
        ));
    }
    if let Some(list) = &d.software_copyrights {
        tables.push((
            "软件著作权登记情况",
            vec!["序号", "软件名称", "登记号", "登记日期"],
            numbered(
                list.value
                    .iter()
                    .map(|s| vec![s.name.value.trim().into(), opt(&s.number), opt(&s.date)])
                    .collect(),
            ),
        ));
    }
    if let Some(list) = &d.standards {
        tables.push((
            "主导、参与标准制修订情况",
            vec!["序号", "标准名称", "标准号", "级别", "主导/参与"],
            numbered(
                list.value
                    .iter()
                    .map(|s| {
                        let level = s.level.value.trim();
                        vec![
                            s.name.value.trim().into(),
                            opt(&s.number),
                            format!("{level}标准"),
                            opt(&s.role),
                        ]
                    })
                    .collect(),
            ),
        ));
    }
    if let Some(list) = &d.honors {
        tables.push((
            "近五年获省市级以上主要荣誉",
            vec!["序号", "荣誉名称", "颁发单位", "年份"],
            numbered(
                list.value
                    .iter()
                    .map(|h| {
                        vec![
                            h.name.value.trim().into(),
                            opt(&h.by),
                            h.year.value.to_string(),
                        ]
                    })
                    .collect(),
            ),
        ));
    }
    tables
        .into_iter()
        .enumerate()
        .map(|(i, (title, columns, rows))| DetailTable {
            title: format!("附表{}　{title}", i + 1),
            columns,
            rows,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_as_given() {
        assert_eq!(amount(52000.0), "52000");
        assert_eq!(amount(2100.5), "2100.5");
        assert_eq!(amount(0.25), "0.25");
        assert_eq!(amount(-120.0), "-120");
        assert_eq!(amount(0.0), "0");
    }

    #[test]
    fn industry_from_the_table() {
        assert_eq!(industry_cell("3451"), "3451 滚动轴承制造");
        assert_eq!(industry_cell("C3451 滚动轴承制造"), "3451 滚动轴承制造");
        assert_eq!(industry_cell("轴承"), "轴承");
    }
}
