//! The 申报表 (Annex 2, SPEC §9 A2) as one Word table: the rows of
//! templates/form/form.typ in its order, its column widths, merged cells
//! (`w:gridSpan`, `w:vMerge`), ☑/□ as text, the declaration with the blank
//! for the hand-written name and the county's box; then the note and the
//! 附表, each a table whose header row repeats.

use super::body::{para, text_run};
use super::xml::{Sizes, pt_twips, table_start};
use crate::outputs::data::form::FormData;
use crate::profile::Profile;

/// A cell of the form: its span, its paragraphs, its padding.
struct Cell {
    colspan: usize,
    rowspan: usize,
    xml: String,
    /// Top-aligned (running text) rather than centred.
    top: bool,
}

fn cell(xml: String) -> Cell {
    Cell {
        colspan: 1,
        rowspan: 1,
        xml,
        top: false,
    }
}

impl Cell {
    fn span(mut self, cols: usize, rows: usize) -> Cell {
        self.colspan = cols;
        self.rowspan = rows;
        self
    }
}

/// A paragraph of the form's text, aligned `jc`.
fn p(text: &str, jc: &str) -> String {
    para(
        "FormText",
        &format!("<w:jc w:val=\"{jc}\"/>"),
        &text_run(text, ""),
    )
}

fn label(text: &str) -> Cell {
    cell(p(text, "center"))
}

fn value(text: &str) -> Cell {
    cell(p(text, "left"))
}

fn amount(text: &str) -> Cell {
    cell(p(text, "right"))
}

/// A band of rows sharing column widths (pt), as the PDF's tables do.
struct Band {
    widths: Vec<f64>,
    cells: Vec<Cell>,
}

/// Each cell's row, first column and span, placed as HTML places table
/// cells: left to right, skipping slots a cell above still covers.
fn place(band: &Band) -> Vec<(usize, usize, &Cell)> {
    let n = band.widths.len();
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut out = Vec::new();
    let (mut r, mut c) = (0, 0);
    for cell in &band.cells {
        loop {
            if taken.len() <= r {
                taken.push(vec![false; n]);
            }
            if c >= n {
                r += 1;
                c = 0;
                continue;
            }
            if taken[r][c] {
                c += 1;
                continue;
            }
            break;
        }
        for rr in r..r + cell.rowspan {
            while taken.len() <= rr {
                taken.push(vec![false; n]);
            }
            for slot in taken[rr].iter_mut().skip(c).take(cell.colspan) {
                *slot = true;
            }
        }
        out.push((r, c, cell));
        c += cell.colspan;
    }
    out
}

/// The bands as one table over the union of their column edges.
fn table(bands: &[Band], total: f64, margins: &str) -> String {
    let edges_of = |b: &Band| -> Vec<u32> {
        let mut x = 0.0;
        let mut e = vec![0];
        for w in &b.widths {
            x += w;
            e.push(pt_twips(x));
        }
        *e.last_mut().expect("one edge") = pt_twips(total);
        e
    };
    let mut grid: Vec<u32> = bands.iter().flat_map(edges_of).collect();
    grid.sort_unstable();
    grid.dedup();
    let col = |edge: u32| grid.iter().position(|g| *g == edge).expect("an edge");
    let mut x = format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/>\
         <w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/>\
         <w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        pt_twips(total)
    );
    for w in grid.windows(2) {
        x += &format!("<w:gridCol w:w=\"{}\"/>", w[1] - w[0]);
    }
    x += "</w:tblGrid>";
    for band in bands {
        let edges = edges_of(band);
        let placed = place(band);
        let rows = placed
            .iter()
            .map(|(r, _, c)| r + c.rowspan)
            .max()
            .unwrap_or(0);
        for r in 0..rows {
            x += "<w:tr><w:trPr><w:cantSplit/></w:trPr>";
            // The cells that start in this row or reach into it from above,
            // left to right.
            let mut here: Vec<&(usize, usize, &Cell)> = placed
                .iter()
                .filter(|(r0, _, c)| *r0 <= r && r < r0 + c.rowspan)
                .collect();
            here.sort_by_key(|(_, c0, _)| *c0);
            for (r0, c0, cell) in here {
                let (a, b) = (col(edges[*c0]), col(edges[c0 + cell.colspan]));
                let width = edges[c0 + cell.colspan] - edges[*c0];
                let mut tcpr = format!("<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
                if b - a > 1 {
                    tcpr += &format!("<w:gridSpan w:val=\"{}\"/>", b - a);
                }
                if cell.rowspan > 1 {
                    tcpr += if *r0 == r {
                        "<w:vMerge w:val=\"restart\"/>"
                    } else {
                        "<w:vMerge/>"
                    };
                }
                // Padding on each cell: LibreOffice misreads a table-wide
                // w:tblCellMar (it narrows the cells twice over).
                tcpr += &format!("<w:tcMar>{margins}</w:tcMar>");
                tcpr += if cell.top {
                    "<w:vAlign w:val=\"top\"/>"
                } else {
                    "<w:vAlign w:val=\"center\"/>"
                };
                // A merged-on cell still holds a paragraph (the schema wants one).
                let content = if *r0 == r {
                    cell.xml.clone()
                } else {
                    para("FormText", "", "")
                };
                x += &format!("<w:tc><w:tcPr>{tcpr}</w:tcPr>{content}</w:tc>");
            }
            x += "</w:tr>";
        }
    }
    x + "</w:tbl>"
}

/// The options of 企业性质 or 企业类型, each followed by its box as the
/// notice prints them: ☑ chosen, □ not; two full-width spaces apart.
fn options(choices: &[crate::outputs::data::form::Choice]) -> String {
    choices
        .iter()
        .map(|c| format!("{}{}", c.label, if c.checked { "☑" } else { "□" }))
        .collect::<Vec<_>>()
        .join("　　")
}

/// The form and its 附表, as body content of a section (no `w:sectPr`).
pub fn form(f: &FormData, profile: &Profile, s: &Sizes) -> String {
    let fp = &profile.form;
    let em = s.form_cell;
    let total = super::xml::PageSetup::form(profile).text_width_pt();
    let label_w = 11.5 * em;
    let rest = total - label_w;
    let mut x = para("FormTitle", "", &text_run(&fp.title, ""));

    let industry = if f.industry.is_empty() {
        cell(para(
            "FormText",
            "<w:jc w:val=\"left\"/>",
            &text_run("（请填写至小类）", "<w:color w:val=\"5A5A5A\"/>"),
        ))
    } else {
        value(&f.industry)
    };
    let fr = (rest - 10.0 * em) / 2.0;
    let head = Band {
        widths: vec![label_w, 5.0 * em, fr, 5.0 * em, fr],
        cells: vec![
            label("企业名称"),
            value(&f.name).span(4, 1),
            label("单位地址"),
            value(&f.address).span(4, 1),
            label("企业性质"),
            value(&options(&f.natures)).span(4, 1),
            label("企业类型*"),
            value(&options(&f.scales)).span(4, 1),
            label("所属行业类别*"),
            industry.span(4, 1),
            label("质量管理机构负责人"),
            label("姓名"),
            value(&f.quality_head.name),
            label("职务"),
            value(&f.quality_head.title),
            label("联系人").span(1, 2),
            label("姓名"),
            value(&f.contact.name),
            label("职务"),
            value(&f.contact.title),
            label("联系电话"),
            value(&f.contact.phone),
            label("邮箱"),
            value(&f.contact.email),
        ],
    };
    let mut years = vec![label("近三年发展情况")];
    years.extend(f.years.iter().map(|y| label(&format!("{y}年"))));
    for (name, column) in [
        ("资产总额（万元）", &f.assets),
        ("主营业务收入（万元）", &f.revenue),
        ("利润总额（万元）", &f.profit),
    ] {
        years.push(label(name));
        years.extend(column.iter().map(|v| amount(v)));
    }
    let finance = Band {
        widths: vec![label_w, rest / 3.0, rest / 3.0, rest / 3.0],
        cells: years,
    };
    let levels = [
        "国际标准（项）",
        "国家标准（项）",
        "行业标准（项）",
        "地方标准（项）",
        "团体标准（项）",
        "企业标准（项）",
    ];
    let std = |i: usize| {
        [
            label(levels[i]),
            amount(f.standards.get(i).map_or("", String::as_str)),
        ]
    };
    let fr = (rest - 7.0 * em - 6.5 * em - 7.5 * em) / 2.0;
    let mut counts = vec![
        label("申请和授权专利情况*").span(1, 2),
        label("申请数（件）"),
        amount(&f.patents_applied),
        label("主导、参与标准制修订情况*").span(1, 6),
    ];
    counts.extend(std(0));
    counts.extend([label("授权数（件）"), amount(&f.patents_granted)]);
    counts.extend(std(1));
    counts.extend([
        label("软件著作权登记（件）*").span(1, 2),
        label(&f.software_copyrights).span(2, 2),
    ]);
    counts.extend(std(2));
    counts.extend(std(3));
    counts.extend([
        label("近五年获省市级以上主要荣誉数（项）*").span(1, 2),
        label(&f.honors).span(2, 2),
    ]);
    counts.extend(std(4));
    counts.extend(std(5));
    let standards = Band {
        widths: vec![label_w, 7.0 * em, fr, 6.5 * em, 7.5 * em, fr],
        cells: counts,
    };
    // 质量标杆简介: as long as the writer wrote it, at least four lines.
    let brief_runs = text_run(&f.brief, "");
    let brief = Cell {
        top: true,
        ..cell(para(
            "FormText",
            &format!(
                "<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/><w:jc w:val=\"both\"/>",
                pt_twips(2.0 * em)
            ),
            &brief_runs,
        ))
    };
    let brief_label = cell(
        para("FormText", "", &text_run("质量标杆", ""))
            + &para("FormText", "", &text_run("简介", "")),
    );
    let intro = Band {
        widths: vec![label_w, rest],
        cells: vec![brief_label, brief],
    };
    let cells_margins = format!(
        "<w:top w:w=\"{0}\" w:type=\"dxa\"/><w:left w:w=\"{0}\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"{0}\" w:type=\"dxa\"/><w:right w:w=\"{0}\" w:type=\"dxa\"/>",
        pt_twips(0.4 * em)
    );
    let mut t = table(&[head, finance, standards, intro], total, &cells_margins);
    // The brief's row is at least four lines high.
    let four = pt_twips(4.0 * em * s.line_spacing + 0.8 * em);
    if let Some(pos) = t.rfind("<w:tr><w:trPr><w:cantSplit/>") {
        t.insert_str(
            pos + "<w:tr><w:trPr><w:cantSplit/>".len(),
            &format!("<w:trHeight w:val=\"{four}\" w:hRule=\"atLeast\"/>"),
        );
    }
    x += &t;

    // The declaration (the company's full name by hand unless the profile
    // pre-fills it), the seal and signature lines; then the county's box.
    let u = "<w:u w:val=\"single\"/>";
    let blank = if f.declared_name.is_empty() {
        text_run(&"\u{3000}".repeat(14), u)
    } else {
        text_run(&f.declared_name, u)
    };
    let hint = if f.declared_name.is_empty() {
        fp.declaration_hint.as_str()
    } else {
        ""
    };
    let justified = format!(
        "<w:spacing w:line=\"360\" w:lineRule=\"auto\"/>\
         <w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/><w:jc w:val=\"both\"/>",
        pt_twips(2.0 * em)
    );
    let mut decl = para(
        "FormText",
        &justified,
        &(blank + &text_run(hint, "") + &text_run(&f.declaration, "")),
    );
    decl += &para("FormText", "", "");
    // A signature line: the label ends where a 12-character rule begins,
    // the rule ends at the cell's right edge; both are tab stops, and the
    // rule is an underlined tab (underlined trailing spaces do not print).
    let inner = total - 1.6 * em;
    let tabs = format!(
        "<w:tabs><w:tab w:val=\"right\" w:pos=\"{}\"/><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs>\
         <w:spacing w:before=\"120\"/><w:jc w:val=\"left\"/>",
        pt_twips(inner - 12.0 * em),
        pt_twips(inner)
    );
    for line in ["企业名称（公章）：", "法人代表签字："] {
        decl += &para(
            "FormText",
            &tabs,
            &format!(
                "<w:r><w:tab/></w:r>{}<w:r><w:rPr>{u}</w:rPr><w:tab/></w:r>",
                text_run(line, "")
            ),
        );
    }
    let date = |x: &mut String| {
        *x += &para(
            "FormText",
            "<w:spacing w:before=\"200\"/><w:jc w:val=\"right\"/>",
            &text_run("年\u{3000}\u{3000}月\u{3000}\u{3000}日\u{3000}\u{3000}", ""),
        )
    };
    date(&mut decl);
    let mut county = para(
        "FormText",
        "<w:jc w:val=\"left\"/>",
        &text_run(&fp.recommendation, ""),
    );
    for _ in 0..3 {
        county += &para("FormText", "", "");
    }
    county += &para(
        "FormText",
        "<w:jc w:val=\"right\"/>",
        &text_run("推荐单位公章\u{3000}\u{3000}\u{3000}\u{3000}", ""),
    );
    date(&mut county);
    let wide = |xml: String| Cell {
        top: true,
        ..cell(xml)
    };
    let boxes = Band {
        widths: vec![total],
        cells: vec![wide(decl), wide(county)],
    };
    let pad = pt_twips(0.8 * em);
    x += &table(
        &[boxes],
        total,
        &format!(
            "<w:top w:w=\"{pad}\" w:type=\"dxa\"/><w:left w:w=\"{pad}\" w:type=\"dxa\"/>\
             <w:bottom w:w=\"{pad}\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/>"
        ),
    );

    // The note under the form, in its smaller size.
    for (i, n) in fp.notes.iter().enumerate() {
        let text = if i == 0 {
            format!("*说明：{n}")
        } else {
            n.clone()
        };
        let ppr = if i == 0 {
            format!("<w:spacing w:before=\"{}\"/>", pt_twips(0.6 * em))
        } else {
            String::new()
        };
        x += &para("FormNote", &ppr, &text_run(&text, ""));
    }

    // The 附表 (note 3), from the next page: a bold centred title above
    // each table, the header row repeated when a table runs over a page.
    for (i, d) in f.details.iter().enumerate() {
        let mut ppr = String::from("<w:keepNext/>");
        if i == 0 {
            ppr += "<w:pageBreakBefore/>";
        }
        ppr += &format!(
            "<w:spacing w:before=\"{}\" w:after=\"{}\"/>",
            if i == 0 { 0 } else { pt_twips(1.5 * em) },
            pt_twips(0.6 * em)
        );
        x += &para("FormText", &ppr, &text_run(&d.title, "<w:b/><w:bCs/>"));
        x += &detail(d, total, em, &cells_margins);
    }
    x
}

/// One 附表: the name column takes what the numbers, dates and levels
/// (as wide as their longest text) leave.
fn detail(
    d: &crate::outputs::data::form::DetailTable,
    total: f64,
    em: f64,
    margins: &str,
) -> String {
    let n = d.columns.len();
    let width = |t: &str| {
        t.chars()
            .map(|c| if (c as u32) < 0x2E80 { 0.5 } else { 1.0 })
            .sum::<f64>()
            * em
            + 0.8 * em
            + 1.0
    };
    let mut widths: Vec<f64> = (0..n)
        .map(|i| {
            std::iter::once(d.columns[i])
                .chain(d.rows.iter().filter_map(|r| r.get(i).map(String::as_str)))
                .map(width)
                .fold(0.0, f64::max)
        })
        .collect();
    if n > 1 {
        let others: f64 = widths
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, w)| w)
            .sum();
        widths[1] = (total - others).max(4.0 * em);
    }
    let sum: f64 = widths.iter().sum();
    if sum > total {
        widths.iter_mut().for_each(|w| *w *= total / sum);
    }
    let mut x = table_start(&widths);
    let row = |cells: Vec<&str>, head: bool| {
        let mut r = String::from("<w:tr>");
        if head {
            r += "<w:trPr><w:tblHeader/></w:trPr>";
        }
        for (i, w) in widths.iter().enumerate() {
            let text = cells.get(i).copied().unwrap_or("");
            let jc = if i == 1 && !head { "left" } else { "center" };
            let rpr = if head { "<w:b/><w:bCs/>" } else { "" };
            r += &format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/><w:tcMar>{margins}</w:tcMar>\
                 <w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
                pt_twips(*w),
                para(
                    "FormText",
                    &format!("<w:jc w:val=\"{jc}\"/>"),
                    &text_run(text, rpr)
                )
            );
        }
        r + "</w:tr>"
    };
    x += &row(d.columns.clone(), true);
    for r in &d.rows {
        x += &row(r.iter().map(String::as_str).collect(), false);
    }
    x + "</w:tbl>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_merged_cells_as_html_does() {
        let c = |s: &str| cell(s.into());
        let band = Band {
            widths: vec![1.0, 1.0, 1.0],
            cells: vec![c("a").span(1, 2), c("b"), c("c"), c("d").span(2, 1)],
        };
        let placed: Vec<(usize, usize, String)> = place(&band)
            .into_iter()
            .map(|(r, col, cell)| (r, col, cell.xml.clone()))
            .collect();
        assert_eq!(
            placed,
            vec![
                (0, 0, "a".into()),
                (0, 1, "b".into()),
                (0, 2, "c".into()),
                (1, 1, "d".into())
            ]
        );
    }
}
