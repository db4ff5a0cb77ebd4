//! The 汇总表 (Annex 4, SPEC §9 A4): one row per enterprise of a county's
//! folder, as 汇总表.pdf from `templates/summary/` and as 汇总表.xlsx, a
//! real spreadsheet with the same title, header and rows.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};
use serde::Serialize;

use super::{Input, Product, Renderer, RunJob, Scope};
use crate::diag::{Code, Diagnostic};
use crate::profile::Profile;
use crate::typeset::compile;
use crate::typeset::world::ShenbaoWorld;

pub struct Summary;

pub const SUMMARY: Summary = Summary;

pub const PDF: &str = "汇总表.pdf";
pub const XLSX: &str = "汇总表.xlsx";

/// The table's header, in the notice's order.
pub const COLUMNS: [&str; 5] = ["序号", "企业名称", "质量标杆名称", "联系人", "联系电话"];

#[derive(Serialize)]
struct Data<'a> {
    meta: Meta,
    profile: &'a Profile,
    fonts: serde_json::Value,
    summary: SummaryData,
}

#[derive(Serialize)]
struct Meta {
    draft: bool,
    pdf_date: bool,
}

#[derive(Serialize)]
pub struct SummaryData {
    pub title: String,
    pub county: String,
    pub contact: String,
    pub phone: String,
    pub columns: [&'static str; 5],
    /// 序号, 企业名称, 质量标杆名称, 联系人, 联系电话.
    pub rows: Vec<[String; 5]>,
}

/// The title of Annex 4 for a profile: `2023年洛阳市质量标杆汇总表`.
pub fn title(profile: &Profile) -> String {
    format!(
        "{}年{}质量标杆汇总表",
        profile.campaign_year, profile.region
    )
}

pub fn data(run: &RunJob) -> Option<SummaryData> {
    let (first, _) = run.materials.first()?;
    let rows = run
        .materials
        .iter()
        .enumerate()
        .map(|(i, (p, _))| {
            let m = &p.loaded.material;
            [
                (i + 1).to_string(),
                m.company.name.value.trim().to_string(),
                m.benchmark.title.value.trim().to_string(),
                m.contact.name.value.trim().to_string(),
                m.contact.phone.value.0.trim().to_string(),
            ]
        })
        .collect();
    Some(SummaryData {
        title: title(&first.profile),
        county: run.county.county.clone(),
        contact: run.county.contact.clone(),
        phone: run.county.phone.clone(),
        columns: COLUMNS,
        rows,
    })
}

impl Renderer for Summary {
    fn id(&self) -> &'static str {
        "summary"
    }

    fn help(&self) -> &'static str {
        "汇总表"
    }

    fn scope(&self) -> Scope {
        Scope::Run
    }

    fn files(&self) -> Vec<&'static str> {
        vec![PDF, XLSX]
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Run(run) = input else {
            return Err(super::wrong_input(self.id()));
        };
        let Some(summary) = data(run) else {
            return Err(vec![
                Diagnostic::error(Code::Summary, "没有可以列入汇总表的材料")
                    .in_file(run.root.path())
                    .help("文件夹里每个企业一个子文件夹，各放一份 material.yaml 或 material.md"),
            ]);
        };
        let (first, _) = run.materials[0];
        let xlsx = xlsx(&summary).map_err(|e| {
            vec![Diagnostic::error(
                Code::Output,
                format!("无法生成 {XLSX}：{e}"),
            )]
        })?;
        let json = serde_json::to_vec(&Data {
            meta: Meta {
                draft: false,
                pdf_date: run.timestamp.is_some(),
            },
            profile: &first.profile,
            fonts: first.fonts.roles_json(),
            summary,
        })
        .expect("plain data");
        let world = ShenbaoWorld::new(
            run.templates.clone(),
            "summary/main.typ",
            json,
            run.root.clone(),
            first.fonts.clone(),
            (
                first.date.year,
                first.date.month as u8,
                first.date.day as u8,
            ),
        );
        let (doc, warnings) = compile::compile(&world)?;
        let pdf = compile::pdf(&doc, "summary", run.timestamp)?;
        Ok((
            vec![
                Product {
                    name: PDF.into(),
                    bytes: pdf,
                    pages: Some(doc.pages().len()),
                    note: None,
                },
                Product {
                    name: XLSX.into(),
                    bytes: xlsx,
                    pages: None,
                    note: None,
                },
            ],
            warnings,
        ))
    }
}

/// Columns as wide as their longest line, in Excel's units (a CJK
/// character is two), the 质量标杆名称 column capped and wrapped.
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.1 })
        .sum::<f64>()
}

fn xlsx(s: &SummaryData) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation date: the same county folder gives the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&epoch)
            .set_title(&s.title),
    );
    let ws = wb.add_worksheet();
    ws.set_name("汇总表")?;
    let font = |f: Format| f.set_font_name("宋体").set_font_size(11);
    let title = font(Format::new())
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let plain = font(Format::new()).set_align(FormatAlign::VerticalCenter);
    let right = plain.clone().set_align(FormatAlign::Right);
    let cell = font(Format::new())
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let header = cell.clone().set_bold();
    let left_cell = cell.clone().set_align(FormatAlign::Left);

    let last = (COLUMNS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, &s.title, &title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        1,
        0,
        1,
        last - 1,
        &format!("县区工业和信息化主管部门（盖章）：{}", s.county),
        &plain,
    )?;
    ws.write_string_with_format(1, last, "年　　月　　日", &right)?;
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &header)?;
    }
    let mut widths: Vec<f64> = COLUMNS.iter().map(|h| width(h) + 2.0).collect();
    for (r, row) in s.rows.iter().enumerate() {
        let r = 3 + r as u32;
        for (c, v) in row.iter().enumerate() {
            // Text, phone numbers included: a spreadsheet would turn
            // 13912345678 into 1.39E+10 and drop a leading 0 of 0379-….
            let f = if c == 1 || c == 2 { &left_cell } else { &cell };
            ws.write_string_with_format(r, c as u16, v, f)?;
            widths[c] = widths[c].max(width(v) + 2.0);
        }
    }
    widths[2] = widths[2].min(60.0);
    widths[1] = widths[1].min(40.0);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let foot = 3 + s.rows.len() as u32 + 1;
    ws.merge_range(
        foot,
        0,
        foot,
        2,
        &format!("县区工信部门联系人：{}", s.contact),
        &plain,
    )?;
    ws.merge_range(
        foot,
        3,
        foot,
        last,
        &format!("联系电话：{}", s.phone),
        &plain,
    )?;
    // Print: A4 landscape, one page wide, the header row on every page.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(2, 2)?;
    wb.save_to_buffer()
}
